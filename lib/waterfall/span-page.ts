/**
 * One span on the wire (GET /api/traces/[traceId]/spans streams one JSON array of these per
 * line): a tuple rather than an object, formatted by Postgres itself so the server only
 * concatenates text. Times are relative to the trace's start. The waterfall asks for the same
 * values in binary (`format=binary`: typed-array columns per chunk, ids as 8 bytes, strings
 * in a table per chunk; lib/traces/trace/span-binary-format.ts), which it decodes without a JSON
 * value per span (span-binary-decoder.ts); NDJSON stays the default for every other reader.
 */
export type SpanTuple = [
  /** 16-hex span id. */
  id: string,
  /** 16-hex parent span id; "" for a root. */
  parent: string,
  /** Start, microseconds since the trace's start (the stored precision). */
  start: number,
  /** Duration in nanoseconds. */
  duration: number,
  service: string,
  name: string,
  /** OTLP span kind (0 unspecified … 5 consumer). */
  kind: number,
  /** OTLP status code (0 unset, 1 ok, 2 error). */
  status: number,
  /** Span event times in ns since the trace's start, or null without events. */
  events: number[] | null,
  /** 16-hex ids of the spans of this trace it links to (a follows-from), or null without such links. */
  links: string[] | null,
];

/** One line of the span stream. */
export type SpanChunk = SpanTuple[];

export const SPAN_KIND_LABELS = ["unspecified", "internal", "server", "client", "producer", "consumer"] as const;
export const SPAN_KIND_SERVER = 2;
export const SPAN_KIND_CONSUMER = 5;
export const STATUS_ERROR = 2;
