/**
 * What every signal's normalisation shares: OTLP values to stored JSON with the limits and
 * redaction applied to every key and string (Cleaner), the resource and instrumentation scope
 * rows their records refer to, the tenant claims, and the id checks.
 */
import { resourceId, scopeId } from "@/db/span-codec/resource-id";
import { storedBytes, storedDouble, storedInt, storedKvlist, type StoredValue } from "@/lib/attributes/stored-value";
import type { SpanLimits } from "./limits";
import { storableText, truncateMarked } from "./limits";
import { DecodeError, MAX_VALUE_DEPTH, uint64, type AnyValue, type KeyValue, type OtlpScope } from "./common";
import { COUNTER, type TenantCounters } from "./counters";
import type { RedactionCounts, Redactor } from "./redact";

/** An attribute value as stored in the jsonb columns (lib/attributes/stored-value.ts). */
export type AttributeValue = StoredValue;
export type Attributes = Record<string, AttributeValue>;

const ATTR_TENANT_ID = "tenant.id";
export const ATTR_REQUEST_ID = "request.id";
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

const TRACE_ID = /^[0-9a-f]{32}$/;
export const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE = "0".repeat(32);
export const ZERO_SPAN = "0".repeat(16);
// dropped_*_count columns are int4; OTLP sends uint32.
const MAX_INT4 = 2 ** 31 - 1;
export const int4 = (n: number) => Math.min(n, MAX_INT4);

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export const validTraceId = (hex: string) => TRACE_ID.test(hex) && hex !== ZERO_TRACE;
export const validSpanId = (hex: string) => SPAN_ID.test(hex) && hex !== ZERO_SPAN;

/**
 * Turns OTLP values into stored JSON in one pass, applying the limits and redaction to every
 * string and key on the way, and counting what they did for one span (or resource).
 */
export class Cleaner {
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
export const attributeObject = (): Attributes => Object.create(null) as Attributes;

export function stringAttribute(attributes: Attributes, key: string): string | undefined {
  const value = attributes[key];
  return typeof value === "string" ? value : undefined;
}

/** `tenant.id` as claimed: any value, validated later, so a malformed claim is refused, not ignored. */
export function tenantClaimOf(attributes: Attributes): string | undefined {
  const value = attributes[ATTR_TENANT_ID];
  return value === undefined ? undefined : typeof value === "string" ? value : JSON.stringify(value);
}

export interface Context {
  redactor: Redactor;
  limits: SpanLimits;
  keys: Map<string, boolean>;
  /** Each decoded scope normalised once: a request's spans share a few scope objects. */
  scopes: Map<OtlpScope, NormalizedScope>;
}

export const cleanerFor = (ctx: Context) => new Cleaner(ctx.redactor, ctx.limits, ctx.keys);

/** A ResourceSpans or ResourceLogs as its decoder hands it on. */
export interface OtlpResource {
  resource: readonly KeyValue[];
  /** The resource's dropped attribute count; absent for 0. */
  resourceDroppedAttributesCount?: number;
  /** The schema_url of its ResourceSpans or ResourceLogs; absent or empty for none. */
  schemaUrl?: string;
}

export function normalizeResource(rs: OtlpResource, ctx: Context): NormalizedResource {
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

export function normalizeScope(scope: OtlpScope, ctx: Context): NormalizedScope {
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

/** What cleaning did to one record (a span, a log record) and the resource and scope it shares. */
export interface CleanedRecord {
  redactions: RedactionCounts;
  limited: { attributes: number; truncatedValues: number };
  resource: NormalizedResource;
  scope: NormalizedScope;
}

/** Values cut by the length limit in these records, each resource and scope counted once. */
export function truncatedValuesOf(records: Iterable<CleanedRecord | undefined>): number {
  let n = 0;
  const shared = new Set<NormalizedResource | NormalizedScope>();
  for (const record of records) {
    if (!record) continue;
    n += record.limited.truncatedValues;
    for (const s of [record.resource, record.scope]) {
      if (shared.has(s)) continue;
      shared.add(s);
      n += s.truncatedValues;
    }
  }
  return n;
}

/** An accepted record's redactions and what the limits removed, for its tenant's counters. */
export function countCleaned(counters: TenantCounters, t: string, record: CleanedRecord, sharedCounted: Set<string>): void {
  counters.addAll(t, record.redactions, COUNTER.redactionPrefix);
  counters.add(t, COUNTER.droppedAttributes, record.limited.attributes);
  counters.add(t, COUNTER.truncatedValues, record.limited.truncatedValues);
  // A resource or scope is redacted once however many records share it; count it once per tenant.
  for (const [what, shared] of [["resource", record.resource], ["scope", record.scope]] as const) {
    const id = `${what}\0${t}\0${shared.id}`;
    if (sharedCounted.has(id)) continue;
    sharedCounted.add(id);
    counters.addAll(t, shared.redactions, COUNTER.redactionPrefix);
    counters.add(t, COUNTER.truncatedValues, shared.truncatedValues);
  }
}
