import { bigintToSpanId } from "@/db/span-codec/ids";
import type { SegmentColumnsSource } from "@/lib/traces/span-store/read";
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
 * A sealed span's events and links (its JSON columns' values) as the span stream carries them,
 * computed here instead of in Postgres (which would first have to parse the segment's spans as
 * JSON). Null when the span holds what only that SQL spells exactly (an event time that is not
 * an integer, a link whose ids are not strings) or what is not an array: the caller then asks
 * Postgres, through the whole decode, which refuses a damaged segment.
 */
function wireExtras(spanEvents: unknown, spanLinks: unknown, header: TraceHeader, startNs: bigint): WireExtras | null {
  if (!Array.isArray(spanEvents) || !Array.isArray(spanLinks)) return null;
  let events: bigint[] | null = null;
  if (spanEvents.length > 0) {
    events = [];
    for (const e of spanEvents as unknown[]) {
      const time = e !== null && typeof e === "object" && !Array.isArray(e) ? (e as { timeUnixNano?: unknown }).timeUnixNano : undefined;
      if (typeof time !== "string" || !INTEGER.test(time)) return null;
      events.push(BigInt(time) - startNs);
    }
  }
  const links: string[] = [];
  for (const l of spanLinks as unknown[]) {
    if (l === null || typeof l !== "object" || Array.isArray(l)) return null;
    const { traceId, spanId } = l as { traceId?: unknown; spanId?: unknown };
    if (typeof traceId !== "string" || typeof spanId !== "string") return null;
    if (traceId.toLowerCase() === header.traceId) links.push(spanId);
  }
  return { events, links: links.length > 0 ? links : null };
}

type StreamSource = SegmentColumnsSource<"events" | "links">;

/** Encodes one chunk of the stream, span by span (row `r` of the source's columns, with its events and links). */
interface ChunkWriter<T> {
  span(r: number, extras: WireExtras): void;
  finish(): T;
}

/**
 * A sealed segment's spans (its columns, less those a row shadows) in chunks of `chunkSpans`, each
 * written by a writer `chunk` makes for its size; null if one needs Postgres (wireExtras).
 * Straight from the columns: no object per span, and the attributes never decoded.
 */
function sealedChunks<T>(source: StreamSource, header: TraceHeader, chunkSpans: number, chunk: (size: number) => ChunkWriter<T>): T[] | null {
  const { columns: c, kept } = source;
  const startNs = BigInt(header.startUs) * 1000n;
  const count = kept ? kept.length : c.count;
  const chunks: T[] = [];
  for (let from = 0; from < count; from += chunkSpans) {
    const to = Math.min(from + chunkSpans, count);
    const writer = chunk(to - from);
    for (let k = from; k < to; k++) {
      const r = kept ? kept[k]! : k;
      const extras = wireExtras(c.json.events[r], c.json.links[r], header, startNs);
      if (extras === null) return null;
      writer.span(r, extras);
    }
    chunks.push(writer.finish());
  }
  return chunks;
}

/** A sealed segment's spans as lines of the NDJSON span stream: each span the SpanTuple (JSON) spanChunkLines' SQL writes for a row. */
export function sealedSpanLines(source: StreamSource, header: TraceHeader, chunkSpans: number): string[] | null {
  const { columns: c } = source;
  const startUs = BigInt(header.startUs);
  return sealedChunks(source, header, chunkSpans, () => {
    const tuples: string[] = [];
    return {
      span: (r, extras) => {
        const events = extras.events ? `[${extras.events.join(",")}]` : "null";
        const links = extras.links ? `[${extras.links.map((l) => JSON.stringify(l)).join(",")}]` : "null";
        const parent = c.hasParent[r] ? bigintToSpanId(c.parentSpanId[r]!) : "";
        tuples.push(
          `[${JSON.stringify(bigintToSpanId(c.spanId[r]!))},${JSON.stringify(parent)},${c.startUs[r]! - startUs},${c.durationNs[r]!},` +
            `${JSON.stringify(c.strings[c.service[r]!]!)},${JSON.stringify(c.strings[c.name[r]!]!)},${c.kind[r]!},${c.statusCode[r]!},${events},${links}]`,
        );
      },
      finish: () => `[${tuples.join(",")}]\n`,
    };
  });
}

/** A sealed segment's spans as frames of the binary span stream, `chunkSpans` a frame. */
export function sealedSpanFrames(source: StreamSource, header: TraceHeader, chunkSpans: number): Uint8Array[] | null {
  const { columns: c } = source;
  const startUs = BigInt(header.startUs);
  return sealedChunks(source, header, chunkSpans, (size) => {
    const frame = new SpanFrameWriter(size);
    return {
      span: (r, extras) => {
        const parent = c.hasParent[r] ? c.parentSpanId[r]! : null;
        const i = frame.span(c.spanId[r]!, parent, Number(c.startUs[r]! - startUs), Number(c.durationNs[r]!), c.strings[c.service[r]!]!, c.strings[c.name[r]!]!, c.kind[r]!, c.statusCode[r]!);
        if (extras.events) frame.events(i, extras.events.map(Number));
        if (extras.links) frame.links(i, extras.links);
      },
      finish: () => frame.finish(),
    };
  });
}
