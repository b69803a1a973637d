/**
 * The wire format of one chunk of a trace's spans (GET /api/traces/[traceId]/spans streams one
 * chunk per line): columns rather than objects, and names and services as indexes into
 * per-chunk tables, so thousands of spans are small and parse fast. Times are relative to the
 * trace's start.
 */
export interface SpanChunk {
  /** 16-hex span ids. */
  ids: string[];
  /** 16-hex parent span ids; "" for a root. */
  parents: string[];
  /** Start, microseconds since the trace's start (the stored precision). */
  starts: number[];
  /** Duration in nanoseconds. */
  durations: number[];
  /** Index into `serviceTable` per span. */
  services: number[];
  serviceTable: string[];
  /** Index into `nameTable` per span. */
  names: number[];
  nameTable: string[];
  /** OTLP span kind (0 unspecified … 5 consumer). */
  kinds: number[];
  /** OTLP status code (0 unset, 1 ok, 2 error). */
  statuses: number[];
  /** Span events as ticks: `[row, eventCount, t1, t2, …]` repeated, times in ns since the trace's start. */
  events: number[];
}

export const SPAN_KIND_LABELS = ["unspecified", "internal", "server", "client", "producer", "consumer"] as const;
export const SPAN_KIND_SERVER = 2;
export const SPAN_KIND_CONSUMER = 5;
export const STATUS_ERROR = 2;
