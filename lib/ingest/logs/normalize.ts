import { hash } from "node:crypto";
import { checkedSpanIdToBigint, checkedTraceIdUuid } from "@/db/span-codec/ids";
import type { LogBodyType } from "@/db/schema-logs";
import {
  cleanerFor,
  int4,
  normalizeResource,
  normalizeScope,
  SPAN_ID,
  tenantClaimOf,
  truncatedValuesOf,
  validTraceId,
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
  /** The body as attribute values are stored, as JSON text; null for an empty body. */
  bodyJson: string | null;
  /** The attributes as stored, as JSON text. */
  attributesJson: string;
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

type RecordFields = Omit<NormalizedLogRecord, "recordId" | "tenantClaim" | "resource" | "scope" | "redactions" | "limited" | "bodyJson" | "attributesJson">;

/**
 * The row's identity: a hash of what it stores, in a fixed order, as a signed 64-bit decimal.
 * The text hashed is the JSON array [time, observed, severity, text, body type, body,
 * attributes, trace, span, flags, event name, dropped, resource, scope], spliced from the body's
 * and attributes' JSON the row stores anyway rather than stringified again: the same text,
 * so the same ids, as every earlier version computed (a retry across an upgrade stores nothing twice).
 */
function recordIdOf(fields: RecordFields, body: string, attributes: string, resource: NormalizedResource, scope: NormalizedScope): string {
  const head = JSON.stringify([fields.timeNs.toString(), fields.observedNs?.toString() ?? null, fields.severityNumber, fields.severityText, fields.bodyType]);
  const tail = JSON.stringify([fields.traceId, fields.spanId, fields.flags, fields.eventName, fields.droppedAttributesCount, resource.id, scope.id]);
  const text = `${head.slice(0, -1)},${body},${attributes},${tail.slice(1)}`;
  // Its first 8 bytes as a signed big-endian integer; read from hex, which Node answers several times faster than a Buffer.
  return BigInt.asIntN(64, BigInt(`0x${hash("sha256", text, "hex").slice(0, 16)}`)).toString();
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
  const fields: RecordFields = {
    timeNs: r.timeUnixNano !== 0n ? r.timeUnixNano : r.observedTimeUnixNano,
    observedNs: r.observedTimeUnixNano === 0n || r.observedTimeUnixNano > MAX_INT64 ? null : r.observedTimeUnixNano,
    severityNumber: r.severityNumber >= 0 && r.severityNumber <= MAX_SEVERITY ? r.severityNumber : 0,
    severityText: r.severityText === "" ? null : cleaner.text(r.severityText),
    bodyType,
    traceId: r.traceId === "" || r.traceId === ZERO_TRACE ? null : checkedTraceIdUuid(r.traceId),
    spanId: r.spanId === "" || r.spanId === ZERO_SPAN ? null : checkedSpanIdToBigint(r.spanId).toString(),
    flags: r.flags,
    eventName: r.eventName === "" ? null : cleaner.text(r.eventName),
    droppedAttributesCount: int4(r.droppedAttributesCount + dropped),
  };
  const scope = normalizeScope(r.scope ?? NO_SCOPE, ctx);
  const bodyJson = JSON.stringify(body);
  const attributesJson = JSON.stringify(attributes);
  return {
    record: {
      tenantClaim: tenantClaimOf(attributes),
      recordId: recordIdOf(fields, bodyJson, attributesJson, resource, scope),
      ...fields,
      bodyJson: bodyType === "empty" ? null : bodyJson,
      attributesJson,
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
