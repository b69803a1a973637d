/**
 * A trace export request as both decoders (protobuf and JSON) hand it to normalisation. Ids
 * are lowercase hex whatever their length, so validation can refuse a bad one span by span;
 * times are nanosecond bigints. The messages every signal shares are in ../otlp-http/common.ts.
 */
import type { KeyValue, OtlpScope } from "../otlp-http/common";

export interface OtlpEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: readonly KeyValue[];
  droppedAttributesCount: number;
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  /** W3C tracestate of the linked span context; absent or empty for none. */
  traceState?: string;
  /** OTLP link flags (fixed32, unsigned); absent for 0. */
  flags?: number;
  attributes: readonly KeyValue[];
  droppedAttributesCount: number;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  /** W3C tracestate; absent or empty for none. */
  traceState?: string;
  /** OTLP span flags (fixed32, unsigned: trace flags and the remote-parent bits); absent for 0. */
  flags?: number;
  /** The instrumentation scope of its ScopeSpans, one object shared by its spans; absent for none. */
  scope?: OtlpScope;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: readonly KeyValue[];
  droppedAttributesCount: number;
  events: OtlpEvent[];
  droppedEventsCount: number;
  links: OtlpLink[];
  droppedLinksCount: number;
  statusCode: number;
  statusMessage: string;
}

/** A span the decoder could not read: refused alone, with what was wrong; the rest of the request stands. */
export interface MalformedSpan {
  malformed: string;
}

export type DecodedSpan = OtlpSpan | MalformedSpan;

export interface OtlpResourceSpans {
  resource: readonly KeyValue[];
  /** The resource's dropped attribute count; absent for 0. */
  resourceDroppedAttributesCount?: number;
  /** ResourceSpans.schema_url; absent or empty for none. */
  schemaUrl?: string;
  /** Spans of every instrumentation scope of this resource, in request order. */
  spans: DecodedSpan[];
}

export interface OtlpRequest {
  resourceSpans: OtlpResourceSpans[];
}

export function spanCount(request: OtlpRequest): number {
  let n = 0;
  for (const rs of request.resourceSpans) n += rs.spans.length;
  return n;
}
