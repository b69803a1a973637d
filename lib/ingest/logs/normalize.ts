import { createHash } from "node:crypto";
import { checkedSpanIdToBigint, checkedTraceIdUuid } from "@/db/span-codec/ids";
import type { LogBodyType } from "@/db/schema-logs";
import type { AttributeValue } from "../otlp-http/clean";
import {
  cleanerFor,
  int4,
  normalizeResource,
  normalizeScope,
  SPAN_ID,
  tenantClaimOf,
  truncatedValuesOf,
  validTraceId,
  type Attributes,
  type Context,
  type NormalizedResource,
  type NormalizedScope,
} from "../otlp-http/clean";
import { NO_SCOPE, type AnyValue } from "../otlp-http/common";
import type { SpanLimits } from "../otlp-http/limits";
import type { RedactionCounts, Redactor } from "../otlp-http/redact";
import type { RefusalReason } from "../otlp-http/refusals";
import type { DecodedLogRecord, OtlpLogRecord, OtlpLogsRequest } from "./otlp";

/** One log record as a `log_records` row, before tenant enforcement decides whether it is stored. */
export interface NormalizedLogRecord {
  /** `tenant.id` as the record names it; the resource's claim is on `resource`. */
  tenantClaim: string | undefined;
  /** A hash of everything below (signed 64-bit, decimal): the row's identity, so a retried export stores nothing twice. */
  recordId: string;
  /** The record's time, else its observed time (Unix ns). */
  timeNs: bigint;
  /** Null when not sent. */
  observedNs: bigint | null;
  severityNumber: number;
  severityText: string | null;
  bodyType: LogBodyType;
  /** As attribute values are stored; null for an empty body. */
  body: AttributeValue;
  attributes: Attributes;
  /** The trace id as a uuid, the span id as a signed 64-bit decimal; null for none. */
  traceId: string | null;
  spanId: string | null;
  /** OTLP flags (fixed32, unsigned). */
  flags: number;
  eventName: string | null;
  droppedAttributesCount: number;
  resource: NormalizedResource;
  scope: NormalizedScope;
  redactions: RedactionCounts;
  limited: { attributes: number; truncatedValues: number };
}

export type NormalizedLogEntry = { record: NormalizedLogRecord; refused?: undefined } | { record?: undefined; refused: RefusalReason };

const MAX_SEVERITY = 24;
const MAX_INT64 = (1n << 63n) - 1n;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

/** The OTLP type of a body, read in the order the cleaner reads values. */
function bodyTypeOf(value: AnyValue | null | undefined): LogBodyType {
  if (!value) return "empty";
  if (value.stringValue != null) return "string";
  if (value.boolValue != null) return "bool";
  if (value.intValue != null) return "int";
  if (value.doubleValue != null) return "double";
  if (value.arrayValue != null) return "array";
  if (value.kvlistValue != null) return "kvlist";
  if (value.bytesValue != null) return "bytes";
  return "empty";
}

/** Trace and span ids: empty or all zero is none (OpenTelemetry SDKs send a record outside any span so). */
function validate(r: OtlpLogRecord): RefusalReason | undefined {
  if (r.traceId !== "" && r.traceId !== ZERO_TRACE && !validTraceId(r.traceId)) return "invalid_trace_id";
  if (r.spanId !== "" && r.spanId !== ZERO_SPAN && !SPAN_ID.test(r.spanId)) return "invalid_span_id";
  if (r.timeUnixNano === 0n && r.observedTimeUnixNano === 0n) return "missing_time";
  return undefined;
}

/** The row's identity: a hash of what it stores, in a fixed order, as a signed 64-bit decimal. */
function recordIdOf(fields: Omit<NormalizedLogRecord, "recordId" | "tenantClaim" | "resource" | "scope" | "redactions" | "limited">, resource: NormalizedResource, scope: NormalizedScope): string {
  const text = JSON.stringify([
    fields.timeNs.toString(),
    fields.observedNs?.toString() ?? null,
    fields.severityNumber,
    fields.severityText,
    fields.bodyType,
    fields.body,
    fields.attributes,
    fields.traceId,
    fields.spanId,
    fields.flags,
    fields.eventName,
    fields.droppedAttributesCount,
    resource.id,
    scope.id,
  ]);
  return createHash("sha256").update(text).digest().readBigInt64BE(0).toString();
}

function normalizeRecord(decoded: DecodedLogRecord, resource: NormalizedResource, ctx: Context): NormalizedLogEntry {
  if ("malformed" in decoded) return { refused: "malformed_span" };
  const invalid = validate(decoded);
  if (invalid) return { refused: invalid };
  const r = decoded;
  const cleaner = cleanerFor(ctx);
  const { attributes, dropped } = cleaner.attributes(r.attributes, ctx.limits.attributeCount);
  const body = cleaner.value(r.body);
  const sent = bodyTypeOf(r.body);
  // A value redacted whole (a card number in an int, a secret in bytes) is now its marker text.
  const bodyType: LogBodyType = typeof body === "string" ? "string" : sent;
  const fields = {
    timeNs: r.timeUnixNano !== 0n ? r.timeUnixNano : r.observedTimeUnixNano,
    observedNs: r.observedTimeUnixNano === 0n || r.observedTimeUnixNano > MAX_INT64 ? null : r.observedTimeUnixNano,
    severityNumber: r.severityNumber >= 0 && r.severityNumber <= MAX_SEVERITY ? r.severityNumber : 0,
    severityText: r.severityText === "" ? null : cleaner.text(r.severityText),
    bodyType,
    body,
    attributes,
    traceId: r.traceId === "" || r.traceId === ZERO_TRACE ? null : checkedTraceIdUuid(r.traceId),
    spanId: r.spanId === "" || r.spanId === ZERO_SPAN ? null : checkedSpanIdToBigint(r.spanId).toString(),
    flags: r.flags,
    eventName: r.eventName === "" ? null : cleaner.text(r.eventName),
    droppedAttributesCount: int4(r.droppedAttributesCount + dropped),
  };
  const scope = normalizeScope(r.scope ?? NO_SCOPE, ctx);
  return {
    record: {
      tenantClaim: tenantClaimOf(attributes),
      recordId: recordIdOf(fields, resource, scope),
      ...fields,
      resource,
      scope,
      redactions: cleaner.redactions,
      limited: { attributes: cleaner.droppedAttributes, truncatedValues: cleaner.truncatedValues },
    },
  };
}

/** Values cut by the length limit in these entries, each resource and scope counted once. */
export function truncatedLogValues(entries: readonly NormalizedLogEntry[]): number {
  return truncatedValuesOf(entries.map((e) => e.record));
}

/**
 * Every log record of the request, in request order, as a row or as the reason it is refused:
 * the span limits' attribute count and value length apply, and the redaction rules, to the
 * body, attributes, resource and scope alike.
 */
export function normalizeLogsRequest(request: OtlpLogsRequest, redactor: Redactor, limits: SpanLimits): NormalizedLogEntry[] {
  const ctx: Context = { redactor, limits, keys: new Map(), scopes: new Map() };
  const out: NormalizedLogEntry[] = [];
  for (const rl of request.resourceLogs) {
    if (rl.records.length === 0) continue;
    const resource = normalizeResource(rl, ctx);
    for (const record of rl.records) out.push(normalizeRecord(record, resource, ctx));
  }
  return out;
}
