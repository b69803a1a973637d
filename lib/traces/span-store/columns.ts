import type { SegmentSpan } from "@/lib/traces/segments/format";

/**
 * A `spans` row (alias `s`) as a segment holds it (SegmentSpan): the sealer reads rows with
 * this, and `segmentRecordset` hands decoded spans back to SQL under the same column names.
 */
export const SEGMENT_SPAN_SELECT = `
  s.span_id AS "spanId", s.parent_span_id AS "parentSpanId", s.trace_state AS "traceState", s.request_id AS "requestId",
  s.service, s.name, s.kind, (extract(epoch FROM s.start_time) * 1000000)::bigint AS "startUs", s.start_sub_us_ns AS "startSubUsNs",
  s.duration_ns AS "durationNs", s.status_code AS "statusCode", s.status_message AS "statusMessage", s.attributes, s.events, s.links,
  s.resource_id AS "resourceId", s.scope_id AS "scopeId", s.flags, s.dropped_attributes_count AS "droppedAttributesCount",
  s.dropped_events_count AS "droppedEventsCount", s.dropped_links_count AS "droppedLinksCount"`;

/** Every column of `spans`, with its type, as jsonb_to_recordset declares them. */
const SPAN_COLUMN_TYPES = {
  tenant_id: "text",
  trace_id: "uuid",
  span_id: "int8",
  parent_span_id: "int8",
  trace_state: "text",
  request_id: "text",
  service: "text",
  name: "text",
  kind: "int2",
  start_time: "timestamptz",
  start_sub_us_ns: "int2",
  duration_ns: "int8",
  status_code: "int2",
  status_message: "text",
  attributes: "jsonb",
  events: "jsonb",
  links: "jsonb",
  resource_id: "int8",
  scope_id: "int8",
  flags: "int4",
  dropped_attributes_count: "int4",
  dropped_events_count: "int4",
  dropped_links_count: "int4",
} as const;

export const SPAN_COLUMN_NAMES = Object.keys(SPAN_COLUMN_TYPES) as (keyof typeof SPAN_COLUMN_TYPES)[];
export const SPAN_RECORD_COLUMNS = SPAN_COLUMN_NAMES.map((c) => `${c} ${SPAN_COLUMN_TYPES[c]}`).join(", ");

/** A span's identity within its trace, as the spans primary key has it: span id and start (µs). */
export const spanKey = (spanId: bigint | string, startUs: bigint | string) => `${spanId}/${startUs}`;

/** Epoch microseconds as an ISO 8601 instant with six fractional digits, which timestamptz reads exactly. */
export function isoMicros(us: bigint): string {
  const ms = us / 1000n - (us % 1000n < 0n ? 1n : 0n);
  const iso = new Date(Number(ms)).toISOString();
  return `${iso.slice(0, -1)}${String(us - ms * 1000n).padStart(3, "0")}Z`;
}

const big = (n: bigint | null) => (n === null ? null : n.toString());

/** One span as a jsonb_to_recordset element: int8 columns as decimal strings, which jsonb would otherwise round. */
export function spanRecord(tenantId: string, traceId: string, s: SegmentSpan): Record<string, unknown> {
  return {
    tenant_id: tenantId,
    trace_id: traceId,
    span_id: big(s.spanId),
    parent_span_id: big(s.parentSpanId),
    trace_state: s.traceState,
    request_id: s.requestId,
    service: s.service,
    name: s.name,
    kind: s.kind,
    start_time: isoMicros(s.startUs),
    start_sub_us_ns: s.startSubUsNs,
    duration_ns: big(s.durationNs),
    status_code: s.statusCode,
    status_message: s.statusMessage,
    attributes: s.attributes,
    events: s.events,
    links: s.links,
    resource_id: big(s.resourceId),
    scope_id: big(s.scopeId),
    flags: s.flags,
    dropped_attributes_count: s.droppedAttributesCount,
    dropped_events_count: s.droppedEventsCount,
    dropped_links_count: s.droppedLinksCount,
  };
}

/** Whether a span's attributes have any of these top-level keys, as jsonb's `?` asks. */
export const hasAnyKey = (attributes: Record<string, unknown>, keys: readonly string[]) => keys.some((k) => Object.hasOwn(attributes, k));
