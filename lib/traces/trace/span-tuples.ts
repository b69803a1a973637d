import { bigintToSpanId } from "@/db/span-codec/ids";
import type { SegmentSpan } from "@/lib/traces/segments/format";
import { SpanFrameWriter } from "./span-frame-writer";
import type { TraceHeader } from "./trace-header";

const INTEGER = /^-?\d+$/;

/** What the span stream's SQL (spans-stream.ts) writes for a row's events and links, or null where only it spells them. */
interface WireExtras {
  /** Event times in ns since the trace's start; null without events. */
  events: bigint[] | null;
  /** Link targets in this trace; null without such links. */
  links: string[] | null;
}

/**
 * A sealed span's events and links as the span stream carries them, computed here instead of
 * in Postgres (which would first have to parse the segment's spans as JSON). Null when the
 * span holds what only that SQL spells exactly (an event time that is not an integer, a link
 * whose ids are not strings): the caller then asks Postgres.
 */
function wireExtras(s: SegmentSpan, header: TraceHeader, startNs: bigint): WireExtras | null {
  let events: bigint[] | null = null;
  if (s.events.length > 0) {
    events = [];
    for (const e of s.events as unknown[]) {
      const time = e !== null && typeof e === "object" && !Array.isArray(e) ? (e as { timeUnixNano?: unknown }).timeUnixNano : undefined;
      if (typeof time !== "string" || !INTEGER.test(time)) return null;
      events.push(BigInt(time) - startNs);
    }
  }
  const links: string[] = [];
  for (const l of s.links as unknown[]) {
    if (l === null || typeof l !== "object" || Array.isArray(l)) return null;
    const { traceId, spanId } = l as { traceId?: unknown; spanId?: unknown };
    if (typeof traceId !== "string" || typeof spanId !== "string") return null;
    if (traceId.toLowerCase() === header.traceId) links.push(spanId);
  }
  return { events, links: links.length > 0 ? links : null };
}

/** A sealed span as the span stream's SpanTuple (JSON): the values spanChunkLines' SQL writes for a row. */
function spanTuple(s: SegmentSpan, extras: WireExtras, startUs: bigint): string {
  const events = extras.events ? `[${extras.events.join(",")}]` : "null";
  const links = extras.links ? `[${extras.links.map((l) => JSON.stringify(l)).join(",")}]` : "null";
  const parent = s.parentSpanId === null ? "" : bigintToSpanId(s.parentSpanId);
  return (
    `[${JSON.stringify(bigintToSpanId(s.spanId))},${JSON.stringify(parent)},${s.startUs - startUs},${s.durationNs},` +
    `${JSON.stringify(s.service)},${JSON.stringify(s.name)},${s.kind},${s.statusCode},${events},${links}]`
  );
}

/** A sealed segment's spans in chunks of `chunkSpans`, each chunk made by `line`; null if one needs Postgres (wireExtras). */
function sealedChunks<T>(
  spans: readonly SegmentSpan[],
  header: TraceHeader,
  chunkSpans: number,
  chunk: (spans: readonly SegmentSpan[], extras: WireExtras[]) => T,
): T[] | null {
  const startNs = BigInt(header.startUs) * 1000n;
  const chunks: T[] = [];
  for (let i = 0; i < spans.length; i += chunkSpans) {
    const part = spans.slice(i, i + chunkSpans);
    const extras: WireExtras[] = [];
    for (const s of part) {
      const e = wireExtras(s, header, startNs);
      if (e === null) return null;
      extras.push(e);
    }
    chunks.push(chunk(part, extras));
  }
  return chunks;
}

/** A sealed segment's spans as lines of the NDJSON span stream, `chunkSpans` a line; null if one needs Postgres. */
export function sealedSpanLines(spans: readonly SegmentSpan[], header: TraceHeader, chunkSpans: number): string[] | null {
  const startUs = BigInt(header.startUs);
  return sealedChunks(spans, header, chunkSpans, (part, extras) => `[${part.map((s, k) => spanTuple(s, extras[k]!, startUs)).join(",")}]\n`);
}

/** A sealed segment's spans as frames of the binary span stream, `chunkSpans` a frame; null if one needs Postgres. */
export function sealedSpanFrames(spans: readonly SegmentSpan[], header: TraceHeader, chunkSpans: number): Uint8Array[] | null {
  const startUs = BigInt(header.startUs);
  return sealedChunks(spans, header, chunkSpans, (part, extras) => {
    const frame = new SpanFrameWriter(part.length);
    part.forEach((s, k) => {
      const i = frame.span(s.spanId, s.parentSpanId, Number(s.startUs - startUs), Number(s.durationNs), s.service, s.name, s.kind, s.statusCode);
      const { events, links } = extras[k]!;
      if (events) frame.events(i, events.map(Number));
      if (links) frame.links(i, links);
    });
    return frame.finish();
  });
}
