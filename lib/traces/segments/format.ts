/**
 * A sealed segment: one trace's spans (or a later batch of them) as one compressed blob.
 *
 *   "TXSG"  version (1 byte)  codec (1 byte)  body length (varint)  body check (4 bytes)
 *   compressed body length (varint)  compressed body
 *
 * The body holds the tenant, the trace id, the span count, then one length-prefixed section
 * per column (SECTIONS, in that order). Strings live once in a dictionary section and columns
 * refer to them by index; times are delta-coded in row order; a parent is the index of its
 * span within the segment when it has one there. A new layout gets a new version: readers
 * refuse versions they do not know rather than guess.
 */
import type { SpanEvent, SpanLink } from "@/db/schema";

export const MAGIC = Uint8Array.from([0x54, 0x58, 0x53, 0x47]);
export const FORMAT_VERSION = 1;

/** The general-purpose codecs a segment body may be compressed with; the id is stored in the header. */
export const CODECS = {
  none: 0,
  gzip: 1,
  brotli: 2,
} as const;
export type CodecName = keyof typeof CODECS;

/**
 * One `spans` row of the segment's trace, with its columns' full range: ids and nanoseconds
 * as bigints, start_time as epoch microseconds (timestamptz's own precision) with the
 * nanoseconds below it apart, JSON columns as parsed from jsonb.
 */
export interface SegmentSpan {
  spanId: bigint;
  parentSpanId: bigint | null;
  traceState: string | null;
  requestId: string | null;
  service: string;
  name: string;
  kind: number;
  startUs: bigint;
  startSubUsNs: number;
  durationNs: bigint;
  statusCode: number;
  statusMessage: string | null;
  attributes: Record<string, unknown>;
  events: SpanEvent[];
  links: SpanLink[];
  resourceId: bigint;
  scopeId: bigint | null;
  flags: number;
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
}

export interface SegmentTrace {
  tenantId: string;
  /** The trace id as the `trace_id` uuid column spells it (lowercase, with dashes). */
  traceId: string;
  spans: SegmentSpan[];
}

/** The body's column sections, in the order they are written. */
export const SECTIONS = [
  "dictionary",
  "spanId",
  "parent",
  "externalParent",
  "startUs",
  "startSubUsNs",
  "durationNs",
  "kind",
  "statusCode",
  "flags",
  "droppedCounts",
  "service",
  "name",
  "requestId",
  "traceState",
  "statusMessage",
  "resourceId",
  "scopeId",
  "bigintTable",
  "attributes.tags",
  "attributes.data",
  "events.tags",
  "events.data",
  "links.tags",
  "links.data",
] as const;
export type Section = (typeof SECTIONS)[number];

/** The JSON columns, each written as a tags section (one byte per value) and a data section. */
export const JSON_COLUMNS = ["attributes", "events", "links"] as const;
export type JsonColumn = (typeof JSON_COLUMNS)[number];

/** Type tags of a JSON value in the tags sections. */
export const Tag = {
  null: 0,
  false: 1,
  true: 2,
  /** A safe integer (not −0), zigzag varint. */
  int: 3,
  /** Any other number, 8 bytes. */
  float: 4,
  /** A string, by dictionary index. */
  string: 5,
  array: 6,
  object: 7,
  /** A string that is an int64's canonical decimal (event times, `$int` values): delta from the previous one. */
  decimal: 8,
} as const;

/** A nullable dictionary reference: 0 is NULL, i + 1 the i-th string. */
export const NULL_REF = 0;

/** A parent reference: 0 none, 1..n the span at index − 1, n + 1 + k the k-th parent outside the segment. */
export const NO_PARENT = 0;

export const SMALLINT = { min: -32768, max: 32767 } as const;
export const INT4 = { min: -(2 ** 31), max: 2 ** 31 - 1 } as const;
export const INT8 = { min: -(2n ** 63n), max: 2n ** 63n - 1n } as const;
