import "server-only";
import type { TransactionSql } from "postgres";
import type { SpanEvent, SpanLink } from "@/db/schema";
import { doubleJson, typedValue, type TypedValue } from "@/lib/attributes/stored-value";
import type { TraceHeader } from "./trace-header";
import { spanWhere } from "./trace-span";

/**
 * A trace as an OTLP/JSON ExportTraceServiceRequest (hex ids, integer enums, resourceSpans
 * grouped by resource), the body POST /v1/traces takes back. Written in pieces so a
 * 100,000-span trace is never one string in memory.
 */

type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number | string }
  | { bytesValue: string }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: KeyValue[] } }
  | Record<string, never>;
interface KeyValue {
  key: string;
  value: AnyValue;
}

function otlpValue(t: TypedValue): AnyValue {
  switch (t.type) {
    case "string":
      return { stringValue: t.value };
    case "bool":
      return { boolValue: t.value };
    case "int":
      return { intValue: t.value.toString() };
    case "double":
      return { doubleValue: doubleJson(t.value) };
    case "bytes":
      return { bytesValue: t.base64 };
    case "array":
      return { arrayValue: { values: t.values.map(otlpValue) } };
    case "kvlist":
      return { kvlistValue: { values: t.entries.map(([key, v]) => ({ key, value: otlpValue(v) })) } };
    case "empty":
      return {};
  }
}

/** A stored attribute value back into OTLP's AnyValue, with the type it was received as. */
export function anyValue(value: unknown): AnyValue {
  return otlpValue(typedValue(value));
}

export function keyValues(attributes: Record<string, unknown>): KeyValue[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));
}

export interface ExportRow {
  resourceId: string;
  /** NULL for spans stored before scopes were (migration 0017). */
  scopeId: string | null;
  /** The fixed32 flags' bits as stored in int4. */
  flags: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  traceState: string | null;
  name: string;
  kind: number;
  startUs: string;
  /** The start's nanoseconds below its microsecond. */
  startSubUsNs: number;
  durationNs: string;
  statusCode: number;
  statusMessage: string | null;
  attributes: Record<string, unknown>;
  events: SpanEvent[];
  links: SpanLink[];
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
}

export function otlpSpan(row: ExportRow): Record<string, unknown> {
  const start = BigInt(row.startUs) * 1000n + BigInt(row.startSubUsNs);
  return {
    traceId: row.traceId,
    spanId: row.spanId,
    ...(row.traceState ? { traceState: row.traceState } : {}),
    ...(row.flags ? { flags: row.flags >>> 0 } : {}),
    ...(row.parentSpanId ? { parentSpanId: row.parentSpanId } : {}),
    name: row.name,
    kind: row.kind,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + BigInt(row.durationNs)).toString(),
    attributes: keyValues(row.attributes),
    droppedAttributesCount: row.droppedAttributesCount,
    events: row.events.map((e) => ({
      timeUnixNano: e.timeUnixNano,
      name: e.name,
      attributes: keyValues(e.attributes),
      droppedAttributesCount: e.droppedAttributesCount ?? 0,
    })),
    droppedEventsCount: row.droppedEventsCount,
    links: row.links.map((l) => ({
      traceId: l.traceId,
      spanId: l.spanId,
      ...(l.traceState ? { traceState: l.traceState } : {}),
      ...(l.flags ? { flags: l.flags } : {}),
      attributes: keyValues(l.attributes),
      droppedAttributesCount: l.droppedAttributesCount ?? 0,
    })),
    droppedLinksCount: row.droppedLinksCount,
    status: { code: row.statusCode, ...(row.statusMessage ? { message: row.statusMessage } : {}) },
  };
}

interface StoredResource {
  id: string;
  attributes: Record<string, unknown>;
  schemaUrl: string;
  droppedAttributesCount: number;
}

interface StoredScope {
  id: string;
  name: string;
  version: string;
  attributes: Record<string, unknown>;
  droppedAttributesCount: number;
  schemaUrl: string;
}

/** A ResourceSpans' opening up to its first span: the resource and scope as received. */
function scopeSpansOpening(resource: StoredResource | undefined, scope: StoredScope | undefined): string {
  const r = {
    attributes: keyValues(resource?.attributes ?? {}),
    ...(resource?.droppedAttributesCount ? { droppedAttributesCount: resource.droppedAttributesCount } : {}),
  };
  const sc = scope
    ? {
        name: scope.name,
        version: scope.version,
        attributes: keyValues(scope.attributes),
        ...(scope.droppedAttributesCount ? { droppedAttributesCount: scope.droppedAttributesCount } : {}),
      }
    : {};
  const resourceSchema = resource?.schemaUrl ? `,"schemaUrl":${JSON.stringify(resource.schemaUrl)}` : "";
  const scopeSchema = scope?.schemaUrl ? `,"schemaUrl":${JSON.stringify(scope.schemaUrl)}` : "";
  return `{"resource":${JSON.stringify(r)}${resourceSchema},"scopeSpans":[{"scope":${JSON.stringify(sc)}${scopeSchema},"spans":[`;
}

/** Writes the export request for the trace in chunks; `write` may wait (backpressure). */
export async function writeOtlpExport(tx: TransactionSql, header: TraceHeader, write: (chunk: string) => Promise<void>): Promise<void> {
  const where = spanWhere(tx, header);
  const [resources, scopes] = await Promise.all([
    tx<StoredResource[]>`
      SELECT r.id::text AS id, r.attributes, r.schema_url AS "schemaUrl", r.dropped_attributes_count AS "droppedAttributesCount" FROM resources r
      WHERE r.tenant_id = ${header.tenantId}
        AND r.id IN (SELECT DISTINCT s.resource_id FROM spans s WHERE ${where})`,
    tx<StoredScope[]>`
      SELECT c.id::text AS id, c.name, c.version, c.attributes, c.dropped_attributes_count AS "droppedAttributesCount", c.schema_url AS "schemaUrl"
      FROM scopes c
      WHERE c.tenant_id = ${header.tenantId}
        AND c.id IN (SELECT DISTINCT s.scope_id FROM spans s WHERE ${where})`,
  ]);
  const resourceById = new Map(resources.map((r) => [r.id, r]));
  const scopeById = new Map(scopes.map((c) => [c.id, c]));

  await write('{"resourceSpans":[');
  // One ResourceSpans per resource and scope: OTLP groups by both, and so does the order below.
  let current: string | null = null;
  let first = true;
  const cursor = tx<ExportRow[]>`
    SELECT s.resource_id::text AS "resourceId", s.scope_id::text AS "scopeId", s.flags, replace(s.trace_id::text, '-', '') AS "traceId",
           lpad(to_hex(s.span_id), 16, '0') AS "spanId",
           CASE WHEN s.parent_span_id IS NULL THEN NULL ELSE lpad(to_hex(s.parent_span_id), 16, '0') END AS "parentSpanId",
           s.trace_state AS "traceState", s.name, s.kind, (extract(epoch FROM s.start_time) * 1000000)::bigint::text AS "startUs", s.start_sub_us_ns AS "startSubUsNs",
           s.duration_ns::text AS "durationNs", s.status_code AS "statusCode", s.status_message AS "statusMessage",
           s.attributes, s.events, s.links, s.dropped_attributes_count AS "droppedAttributesCount",
           s.dropped_events_count AS "droppedEventsCount", s.dropped_links_count AS "droppedLinksCount"
    FROM spans s WHERE ${where}
    ORDER BY s.resource_id, s.scope_id, s.span_id`.cursor(2_000);
  for await (const rows of cursor) {
    let chunk = "";
    for (const row of rows) {
      const group = `${row.resourceId}/${row.scopeId}`;
      if (group !== current) {
        chunk += `${current === null ? "" : "]}]},"}${scopeSpansOpening(resourceById.get(row.resourceId), row.scopeId === null ? undefined : scopeById.get(row.scopeId))}`;
        current = group;
        first = true;
      }
      chunk += `${first ? "" : ","}${JSON.stringify(otlpSpan(row))}`;
      first = false;
    }
    await write(chunk);
  }
  await write(current === null ? "]}" : "]}]}]}");
}
