import { checkedSpanIdToBigint, checkedTraceIdUuid } from "@/db/span-codec/ids";
import type { SpanEvent, SpanLink } from "@/db/schema";
import type { SpanLimits } from "../otlp-http/limits";
import { NO_SCOPE } from "../otlp-http/common";
import {
  ATTR_REQUEST_ID,
  cleanerFor,
  int4,
  normalizeResource,
  normalizeScope,
  SPAN_ID,
  stringAttribute,
  tenantClaimOf,
  truncatedValuesOf,
  validSpanId,
  validTraceId,
  ZERO_SPAN,
  type Attributes,
  type Cleaner,
  type Context,
  type NormalizedResource,
  type NormalizedScope,
} from "../otlp-http/clean";
import type { DecodedSpan, OtlpEvent, OtlpLink, OtlpRequest, OtlpSpan } from "./otlp";
import type { RedactionCounts, Redactor } from "../otlp-http/redact";
import type { RefusalReason } from "../otlp-http/refusals";

export type { Attributes, NormalizedResource, NormalizedScope } from "../otlp-http/clean";

/** What ingest's own limits removed from one span (the row's dropped counts include the exporter's). */
export interface LimitCounts {
  attributes: number;
  events: number;
  links: number;
  truncatedValues: number;
}

/** One span as a `spans` row, before tenant enforcement decides whether it is stored. */
export interface NormalizedSpan {
  /** `tenant.id` as the span names it; the resource's claim is on `resource`. */
  tenantClaim: string | undefined;
  /** The trace id as a uuid, the span ids as signed 64-bit decimals (see db/span-codec/ids.ts). */
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  /** W3C tracestate as received; absent for none. */
  traceState?: string;
  /** OTLP span flags, fixed32 (unsigned). */
  flags: number;
  requestId: string | null;
  service: string;
  name: string;
  kind: number;
  startNs: bigint;
  durationNs: bigint;
  statusCode: number;
  statusMessage: string | null;
  attributes: Attributes;
  events: SpanEvent[];
  links: SpanLink[];
  resource: NormalizedResource;
  scope: NormalizedScope;
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
  redactions: RedactionCounts;
  limited: LimitCounts;
}

export type NormalizedEntry = { span: NormalizedSpan; refused?: undefined } | { span?: undefined; refused: RefusalReason };

const MAX_KIND = 5;
const MAX_STATUS = 2;
// Longer is a broken clock, and start + duration must stay within a bigint in the summary.
const MAX_DURATION_NS = 400n * 86_400n * 1_000_000_000n;

function normalizeEvents(events: readonly OtlpEvent[], cleaner: Cleaner, limits: SpanLimits): SpanEvent[] {
  if (events.length === 0) return [];
  return events.slice(0, limits.eventCount).map((e) => {
    const { attributes, dropped } = cleaner.attributes(e.attributes, limits.attributesPerEventOrLink);
    const droppedAttributesCount = int4(e.droppedAttributesCount + dropped);
    return {
      name: cleaner.text(e.name),
      timeUnixNano: e.timeUnixNano.toString(),
      attributes,
      ...(droppedAttributesCount > 0 ? { droppedAttributesCount } : {}),
    };
  });
}

function normalizeLinks(links: readonly OtlpLink[], cleaner: Cleaner, limits: SpanLimits): SpanLink[] {
  const out: SpanLink[] = [];
  for (const l of links) {
    // A link to an invalid span context points nowhere; it is counted as dropped.
    if (out.length >= limits.linkCount || !validTraceId(l.traceId) || !validSpanId(l.spanId)) continue;
    const { attributes, dropped } = cleaner.attributes(l.attributes, limits.attributesPerEventOrLink);
    const droppedAttributesCount = int4(l.droppedAttributesCount + dropped);
    out.push({
      traceId: l.traceId,
      spanId: l.spanId,
      ...(l.traceState ? { traceState: cleaner.text(l.traceState) } : {}),
      ...(l.flags ? { flags: l.flags } : {}),
      attributes,
      ...(droppedAttributesCount > 0 ? { droppedAttributesCount } : {}),
    });
  }
  return out;
}

function validate(span: OtlpSpan): RefusalReason | undefined {
  if (!validTraceId(span.traceId)) return "invalid_trace_id";
  if (!validSpanId(span.spanId)) return "invalid_span_id";
  if (span.parentSpanId !== "" && !SPAN_ID.test(span.parentSpanId)) return "invalid_parent_span_id";
  if (span.startTimeUnixNano === 0n) return "missing_start_time";
  if (span.endTimeUnixNano < span.startTimeUnixNano) return "ends_before_start";
  if (span.endTimeUnixNano - span.startTimeUnixNano > MAX_DURATION_NS) return "implausible_duration";
  return undefined;
}

function normalizeSpan(decoded: DecodedSpan, resource: NormalizedResource, ctx: Context): NormalizedEntry {
  if ("malformed" in decoded) return { refused: "malformed_span" };
  const span: OtlpSpan = decoded;
  const invalid = validate(span);
  if (invalid) return { refused: invalid };
  const { limits } = ctx;
  const cleaner = cleanerFor(ctx);
  const { attributes, dropped } = cleaner.attributes(span.attributes, limits.attributeCount);
  const events = normalizeEvents(span.events, cleaner, limits);
  const links = normalizeLinks(span.links, cleaner, limits);
  return {
    span: {
      tenantClaim: tenantClaimOf(attributes),
      // validate() checked the ids: lowercase hex of the right length.
      traceId: checkedTraceIdUuid(span.traceId),
      spanId: checkedSpanIdToBigint(span.spanId).toString(),
      // An all-zero parent is how some exporters write "no parent".
      parentSpanId: span.parentSpanId === "" || span.parentSpanId === ZERO_SPAN ? null : checkedSpanIdToBigint(span.parentSpanId).toString(),
      ...(span.traceState ? { traceState: cleaner.text(span.traceState) } : {}),
      flags: span.flags ?? 0,
      requestId: stringAttribute(attributes, ATTR_REQUEST_ID) ?? resource.requestId,
      service: resource.service,
      name: cleaner.text(span.name),
      kind: span.kind >= 0 && span.kind <= MAX_KIND ? span.kind : 0,
      startNs: span.startTimeUnixNano,
      durationNs: span.endTimeUnixNano - span.startTimeUnixNano,
      statusCode: span.statusCode >= 0 && span.statusCode <= MAX_STATUS ? span.statusCode : 0,
      statusMessage: span.statusMessage === "" ? null : cleaner.text(span.statusMessage),
      attributes,
      events,
      links,
      resource,
      scope: normalizeScope(span.scope ?? NO_SCOPE, ctx),
      droppedAttributesCount: int4(span.droppedAttributesCount + dropped),
      droppedEventsCount: int4(span.droppedEventsCount + span.events.length - events.length),
      droppedLinksCount: int4(span.droppedLinksCount + span.links.length - links.length),
      redactions: cleaner.redactions,
      limited: {
        attributes: cleaner.droppedAttributes,
        events: span.events.length - events.length,
        links: span.links.length - links.length,
        truncatedValues: cleaner.truncatedValues,
      },
    },
  };
}

/** Values cut by the length limit in these entries, each resource and scope counted once. */
export function truncatedValues(entries: readonly NormalizedEntry[]): number {
  return truncatedValuesOf(entries.map((e) => e.span));
}

/** Every span of the request, in request order, as a row or as the reason it is refused. */
export function normalizeRequest(request: OtlpRequest, redactor: Redactor, limits: SpanLimits): NormalizedEntry[] {
  const ctx: Context = { redactor, limits, keys: new Map(), scopes: new Map() };
  const out: NormalizedEntry[] = [];
  for (const rs of request.resourceSpans) {
    if (rs.spans.length === 0) continue;
    const resource = normalizeResource(rs, ctx);
    for (const span of rs.spans) out.push(normalizeSpan(span, resource, ctx));
  }
  return out;
}
