import { resourceId, scopeId } from "@/db/span-codec/resource-id";
import { storedBytes, storedDouble, storedInt, storedKvlist, type StoredValue } from "@/lib/attributes/stored-value";
import { checkedSpanIdToBigint, checkedTraceIdUuid } from "@/db/span-codec/ids";
import type { SpanEvent, SpanLink } from "@/db/schema";
import type { SpanLimits } from "../otlp-http/limits";
import { storableText, truncateMarked } from "../otlp-http/limits";
import { DecodeError, MAX_VALUE_DEPTH, NO_SCOPE, uint64, type AnyValue, type KeyValue, type OtlpScope } from "../otlp-http/common";
import type { DecodedSpan, OtlpEvent, OtlpLink, OtlpRequest, OtlpResourceSpans, OtlpSpan } from "./otlp";
import type { RedactionCounts, Redactor } from "../otlp-http/redact";
import type { RefusalReason } from "../otlp-http/refusals";

/** An attribute value as stored in the jsonb columns (lib/attributes/stored-value.ts). */
export type AttributeValue = StoredValue;
export type Attributes = Record<string, AttributeValue>;

const ATTR_TENANT_ID = "tenant.id";
const ATTR_REQUEST_ID = "request.id";
const ATTR_SERVICE_NAME = "service.name";
/** What OpenTelemetry SDKs report when no service name was configured. */
const UNKNOWN_SERVICE = "unknown_service";

export interface NormalizedResource {
  /** Signed 64-bit id (decimal) derived from the redacted attributes, as `resources.id`. */
  id: string;
  attributes: Attributes;
  /** ResourceSpans.schema_url, '' for none. */
  schemaUrl: string;
  droppedAttributesCount: number;
  service: string;
  tenantClaim: string | undefined;
  requestId: string | null;
  redactions: RedactionCounts;
  truncatedValues: number;
}

/** An instrumentation scope (with its ScopeSpans' schema URL) as a `scopes` row, shared by its spans. */
export interface NormalizedScope {
  /** Signed 64-bit id (decimal) derived from everything below, as `scopes.id`. */
  id: string;
  name: string;
  version: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  schemaUrl: string;
  redactions: RedactionCounts;
  truncatedValues: number;
}

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

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);
const MAX_KIND = 5;
const MAX_STATUS = 2;
// Longer is a broken clock, and start + duration must stay within a bigint in the summary.
const MAX_DURATION_NS = 400n * 86_400n * 1_000_000_000n;
// dropped_*_count columns are int4; OTLP sends uint32.
const MAX_INT4 = 2 ** 31 - 1;
const int4 = (n: number) => Math.min(n, MAX_INT4);

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

const validTraceId = (hex: string) => TRACE_ID.test(hex) && hex !== ZERO_TRACE;
const validSpanId = (hex: string) => SPAN_ID.test(hex) && hex !== ZERO_SPAN;

/**
 * Turns OTLP values into stored JSON in one pass, applying the limits and redaction to every
 * string and key on the way, and counting what they did for one span (or resource).
 */
class Cleaner {
  redactions: RedactionCounts = {};
  truncatedValues = 0;
  droppedAttributes = 0;

  constructor(
    private readonly redactor: Redactor,
    private readonly limits: SpanLimits,
    /** Keys already seen in this request that needed no change, with their sensitivity. */
    private readonly keys: Map<string, boolean>,
  ) {}

  text(value: string): string {
    // Redact the whole value first: a secret cut in half by the limit would escape the patterns.
    const clean = this.redactor.text(storableText(value), this.redactions);
    if (clean.length <= this.limits.attributeValueLength) return clean;
    this.truncatedValues++;
    return truncateMarked(clean, this.limits.attributeValueLength);
  }

  value(value: AnyValue | null | undefined, depth = 0): AttributeValue {
    if (!value) return null;
    if (value.stringValue != null) return this.text(value.stringValue);
    if (value.boolValue != null) return value.boolValue;
    if (value.intValue != null) return this.int(BigInt.asIntN(64, uint64(value.intValue)));
    if (value.doubleValue != null) return this.double(value.doubleValue);
    if (value.arrayValue != null || value.kvlistValue != null) {
      if (depth >= MAX_VALUE_DEPTH) throw new DecodeError(`An attribute value nests arrays or kvlists deeper than ${MAX_VALUE_DEPTH} levels.`);
      if (value.arrayValue != null) return (value.arrayValue.values ?? []).map((v) => this.value(v, depth + 1));
      const out = attributeObject();
      for (const kv of value.kvlistValue!.values ?? []) this.entry(out, kv, depth + 1);
      return storedKvlist(out);
    }
    // Bytes holding a secret once decoded are replaced whole; the rest keep their type.
    if (value.bytesValue != null) return this.redactor.bytes(value.bytesValue, this.redactions) ?? storedBytes(value.bytesValue);
    return null;
  }

  /** An int64, unless its digits are a card number (then the redaction marker, as in text). */
  private int(n: bigint): AttributeValue {
    const safe = n >= MIN_SAFE && n <= MAX_SAFE;
    const checked = this.redactor.number(safe ? Number(n) : n.toString(), this.redactions);
    return typeof checked === "number" || checked === n.toString() ? storedInt(n) : checked;
  }

  /** A double, unless its digits are a card number (then the redaction marker, as in text). */
  private double(d: number): AttributeValue {
    if (!Number.isFinite(d)) return storedDouble(d);
    const checked = this.redactor.number(d, this.redactions);
    return typeof checked === "number" ? storedDouble(d) : checked;
  }

  /** Key-value pairs as one object: the first of a repeated key, at most `maxCount` of them. */
  attributes(list: readonly KeyValue[], maxCount: number): { attributes: Attributes; dropped: number } {
    const attributes = attributeObject();
    let kept = 0;
    let dropped = 0;
    for (const kv of list) {
      if (kept >= maxCount || !this.entry(attributes, kv)) dropped++;
      else kept++;
    }
    this.droppedAttributes += dropped;
    return { attributes, dropped };
  }

  private entry(out: Attributes, kv: KeyValue, depth = 0): boolean {
    const raw = kv.key ?? "";
    let key = raw;
    let sensitive = this.keys.get(raw);
    if (sensitive === undefined) {
      key = this.text(raw);
      sensitive = this.redactor.isSensitiveKey(key);
      // Only unchanged keys are remembered: a redacted one must be counted every time.
      if (key === raw) this.keys.set(raw, sensitive);
    }
    // Stored values are never undefined, so this finds a repeated key without hasOwn's cost.
    if (out[key] !== undefined) return false;
    out[key] = sensitive ? this.redactor.sensitiveValue(this.redactions) : this.value(kv.value, depth);
    return true;
  }
}

/**
 * An object with no prototype: keys such as `__proto__`, `constructor` and `toString` are
 * attributes like any other, not inherited members that hide or replace them.
 */
const attributeObject = (): Attributes => Object.create(null) as Attributes;

function stringAttribute(attributes: Attributes, key: string): string | undefined {
  const value = attributes[key];
  return typeof value === "string" ? value : undefined;
}

/** `tenant.id` as claimed: any value, validated later, so a malformed claim is refused, not ignored. */
function tenantClaimOf(attributes: Attributes): string | undefined {
  const value = attributes[ATTR_TENANT_ID];
  return value === undefined ? undefined : typeof value === "string" ? value : JSON.stringify(value);
}

interface Context {
  redactor: Redactor;
  limits: SpanLimits;
  keys: Map<string, boolean>;
  /** Each decoded scope normalised once: a request's spans share a few scope objects. */
  scopes: Map<OtlpScope, NormalizedScope>;
}

const cleanerFor = (ctx: Context) => new Cleaner(ctx.redactor, ctx.limits, ctx.keys);

function normalizeResource(rs: OtlpResourceSpans, ctx: Context): NormalizedResource {
  const { limits } = ctx;
  const cleaner = cleanerFor(ctx);
  const { attributes, dropped } = cleaner.attributes(rs.resource, limits.attributeCount);
  const schemaUrl = rs.schemaUrl ? cleaner.text(rs.schemaUrl) : "";
  const droppedAttributesCount = int4((rs.resourceDroppedAttributesCount ?? 0) + dropped);
  return {
    // Resources without a schema URL or dropped count keep the ids they had before either was stored.
    id: resourceId(attributes, schemaUrl || droppedAttributesCount ? [schemaUrl, droppedAttributesCount] : undefined).toString(),
    attributes,
    schemaUrl,
    droppedAttributesCount,
    service: stringAttribute(attributes, ATTR_SERVICE_NAME) || UNKNOWN_SERVICE,
    tenantClaim: tenantClaimOf(attributes),
    requestId: stringAttribute(attributes, ATTR_REQUEST_ID) ?? null,
    redactions: cleaner.redactions,
    truncatedValues: cleaner.truncatedValues,
  };
}

function normalizeScope(scope: OtlpScope, ctx: Context): NormalizedScope {
  let normalized = ctx.scopes.get(scope);
  if (normalized) return normalized;
  const cleaner = cleanerFor(ctx);
  const { attributes, dropped } = cleaner.attributes(scope.attributes, ctx.limits.attributeCount);
  const name = cleaner.text(scope.name);
  const version = cleaner.text(scope.version);
  const droppedAttributesCount = int4(scope.droppedAttributesCount + dropped);
  const schemaUrl = cleaner.text(scope.schemaUrl);
  const fields = { name, version, attributes, droppedAttributesCount, schemaUrl };
  normalized = { id: scopeId(fields).toString(), ...fields, redactions: cleaner.redactions, truncatedValues: cleaner.truncatedValues };
  ctx.scopes.set(scope, normalized);
  return normalized;
}

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
  let n = 0;
  const shared = new Set<NormalizedResource | NormalizedScope>();
  for (const { span } of entries) {
    if (!span) continue;
    n += span.limited.truncatedValues;
    for (const s of [span.resource, span.scope]) {
      if (shared.has(s)) continue;
      shared.add(s);
      n += s.truncatedValues;
    }
  }
  return n;
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
