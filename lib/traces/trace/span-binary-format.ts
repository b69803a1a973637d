/**
 * The span stream's binary form (GET /api/traces/[traceId]/spans?format=binary): the same
 * spans as the NDJSON SpanTuples (lib/waterfall/span-page.ts), as typed-array columns the
 * browser views in place instead of parsing JSON. Written by span-frame-writer.ts, read by
 * lib/waterfall/span-binary-decoder.ts; no server imports here, the browser loads it.
 *
 * Little-endian throughout. The stream is an 8-byte preamble (MAGIC, then the u32 version),
 * frames, and an end mark:
 *
 *   frame    = u32 payload length (> 0), payload
 *   end mark = u32 0, u32 number of spans in all frames
 *
 * A stream without its end mark was cut short, so a truncated stream can never pass for a
 * smaller trace. A payload is one chunk of spans; its header is eight u32 (`FrameCounts` in
 * this order, the last reserved as 0), then the sections of `frameLayout`, each starting at a
 * multiple of 8 from the payload's start (so the decoder views them as typed arrays):
 *
 *   f64 startUs[n]       µs since the trace's start (SpanTuple `start`)
 *   f64 durationNs[n]
 *   f64 eventTime[T]     ns since the trace's start; NaN where JSON has null (no time)
 *   u32 service[n], u32 name[n]   indexes into the payload's string table
 *   u32 stringLength[S]  UTF-8 byte length of each string of the table
 *   u32 eventSpan[E], u32 eventCount[E]   the spans with events, increasing, and how many each
 *   u32 linkSpan[L], u32 linkCount[L]     the same for links
 *   u8 id[8n], u8 parent[8n]   ids as their 8 bytes, big-endian (the 16-hex id's bytes)
 *   u8 hasParent[n] (0 or 1), u8 kind[n], u8 status[n]   (kind and status as a Uint8Array keeps them)
 *   u8 linkTarget[8K]    the linked span ids, span by span
 *   u8 strings[B]        the string table's UTF-8 bytes, one after another
 *
 * Links carry only ids that can name a span of the trace (16 lowercase hex digits, of this
 * trace): the NDJSON's other link ids never resolve, so the model is the same without them.
 */

export const SPANS_BINARY_CONTENT_TYPE = "application/vnd.trace-explorer.spans+binary";
export const SPAN_STREAM_MAGIC = Uint8Array.from([0x54, 0x58, 0x53, 0x42]);
export const SPAN_STREAM_VERSION = 1;
export const PREAMBLE_BYTES = 8;
/** A frame's payload is at most this: a chunk of 5,000 spans takes some 250 KB. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;
export const FRAME_HEADER_BYTES = 32;

/** A link target in the binary form: what can equal a span id of the stream. */
export const LINK_TARGET = /^[0-9a-f]{16}$/;

export interface FrameCounts {
  /** Spans. */
  n: number;
  /** Strings in the table. */
  strings: number;
  /** UTF-8 bytes of the table. */
  stringBytes: number;
  eventSpans: number;
  eventTimes: number;
  linkSpans: number;
  linkTargets: number;
}

export const FRAME_COUNT_FIELDS = ["n", "strings", "stringBytes", "eventSpans", "eventTimes", "linkSpans", "linkTargets"] as const;

const align8 = (n: number) => Math.ceil(n / 8) * 8;

/** Each section's byte offset in the payload, and the payload's total size. */
export function frameLayout(c: FrameCounts) {
  let at = FRAME_HEADER_BYTES;
  const next = (bytes: number) => {
    const offset = at;
    at = align8(at + bytes);
    return offset;
  };
  const layout = {
    startUs: next(8 * c.n),
    durationNs: next(8 * c.n),
    eventTime: next(8 * c.eventTimes),
    service: next(4 * c.n),
    name: next(4 * c.n),
    stringLength: next(4 * c.strings),
    eventSpan: next(4 * c.eventSpans),
    eventCount: next(4 * c.eventSpans),
    linkSpan: next(4 * c.linkSpans),
    linkCount: next(4 * c.linkSpans),
    id: next(8 * c.n),
    parent: next(8 * c.n),
    hasParent: next(c.n),
    kind: next(c.n),
    status: next(c.n),
    linkTarget: next(8 * c.linkTargets),
    strings: next(c.stringBytes),
  };
  return { ...layout, total: at };
}

/** A frame as the stream carries it (its u32 length, then its payload): its span count, the payload header's first field (`n`). */
export function frameSpanCount(frame: Uint8Array): number {
  return new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(4 + 4 * FRAME_COUNT_FIELDS.indexOf("n"), true);
}

/** Typed arrays view memory in the platform's byte order; the format is little-endian. */
export function assertLittleEndian(): void {
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) throw new Error("the binary span stream needs a little-endian platform");
}
