import { SpanKind } from "@/db/span-codec/kind-and-status";
import type { Attributes } from "./normalize";

/**
 * What the summaries and the rollup read off one span's attributes, in one place so ingest
 * (lib/ingest/derivations/rollup-delta.ts, trace-summaries.ts) and the rebuild from stored spans
 * (lib/ingest/derivations/rollup.ts, in SQL) mean the same thing.
 */

/** 1/r for a span kept by head sampling at ratio r (the tracing library, packages/tracing, writes `sampling.ratio`). */
export function headSamplingWeight(attributes: Attributes): number | undefined {
  const ratio = attributes["sampling.ratio"];
  return typeof ratio === "number" && ratio > 0 && ratio <= 1 ? 1 / ratio : undefined;
}

/** A job run after its first attempt. */
export function isRetry(attributes: Attributes): boolean {
  const attempt = attributes["job.attempt"];
  return typeof attempt === "number" && attempt > 1;
}

/** A job's first attempt: its queue wait runs from enqueue (the producer's end) to its start. */
export function isFirstAttempt(kind: number, attributes: Attributes): boolean {
  return kind === SpanKind.Consumer && Object.hasOwn(attributes, "job.name") && !isRetry(attributes);
}

/** `job.name` as text, as `attributes ->> 'job.name'` reads it; '' when absent or null. */
export function jobNameOf(attributes: Attributes): string {
  const name = attributes["job.name"];
  if (name === undefined || name === null) return "";
  return typeof name === "string" ? name : JSON.stringify(name);
}

export function isSecuritySpan(attributes: Attributes): boolean {
  return attributes["security.operation"] === true;
}

/** A start time as Postgres keeps it (microseconds), in nanoseconds. */
export function storedStartNs(startNs: bigint): bigint {
  return (startNs / 1000n) * 1000n;
}
