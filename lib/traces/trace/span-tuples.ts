import { bigintToSpanId } from "@/db/span-codec/ids";
import type { SegmentSpan } from "@/lib/traces/segments/format";
import type { TraceHeader } from "./trace-header";

const INTEGER = /^-?\d+$/;

/**
 * A sealed span as the span stream's SpanTuple, built here instead of in Postgres (which would
 * first have to parse the segment's spans as JSON): the values spanChunkLines' SQL writes for a
 * row. Null when the span holds what only that SQL spells exactly (an event time that is not an
 * integer, a link whose ids are not strings): the caller then asks Postgres.
 */
function spanTuple(s: SegmentSpan, header: TraceHeader, startUs: bigint, startNs: bigint): string | null {
  let events = "null";
  if (s.events.length > 0) {
    const offsets: string[] = [];
    for (const e of s.events as unknown[]) {
      const time = e !== null && typeof e === "object" && !Array.isArray(e) ? (e as { timeUnixNano?: unknown }).timeUnixNano : undefined;
      if (typeof time !== "string" || !INTEGER.test(time)) return null;
      offsets.push((BigInt(time) - startNs).toString());
    }
    events = `[${offsets.join(",")}]`;
  }
  let links = "null";
  if (s.links.length > 0) {
    const targets: string[] = [];
    for (const l of s.links as unknown[]) {
      if (l === null || typeof l !== "object" || Array.isArray(l)) return null;
      const { traceId, spanId } = l as { traceId?: unknown; spanId?: unknown };
      if (typeof traceId !== "string" || typeof spanId !== "string") return null;
      if (traceId.toLowerCase() === header.traceId) targets.push(JSON.stringify(spanId));
    }
    if (targets.length > 0) links = `[${targets.join(",")}]`;
  }
  const parent = s.parentSpanId === null ? "" : bigintToSpanId(s.parentSpanId);
  return (
    `[${JSON.stringify(bigintToSpanId(s.spanId))},${JSON.stringify(parent)},${s.startUs - startUs},${s.durationNs},` +
    `${JSON.stringify(s.service)},${JSON.stringify(s.name)},${s.kind},${s.statusCode},${events},${links}]`
  );
}

/** A sealed segment's spans as lines of the span stream, `chunkSpans` a line; null if one needs Postgres (spanTuple). */
export function sealedSpanLines(spans: readonly SegmentSpan[], header: TraceHeader, chunkSpans: number): string[] | null {
  const startUs = BigInt(header.startUs);
  const startNs = startUs * 1000n;
  const lines: string[] = [];
  for (let i = 0; i < spans.length; i += chunkSpans) {
    const tuples: string[] = [];
    for (const s of spans.slice(i, i + chunkSpans)) {
      const tuple = spanTuple(s, header, startUs, startNs);
      if (tuple === null) return null;
      tuples.push(tuple);
    }
    lines.push(`[${tuples.join(",")}]\n`);
  }
  return lines;
}
