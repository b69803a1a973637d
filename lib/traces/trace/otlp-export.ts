import "server-only";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import type { SpanEvent, SpanLink } from "@/db/schema";
import { doubleJson, typedValue, type TypedValue } from "@/lib/attributes/stored-value";
import { bigintToSpanId } from "@/db/span-codec/ids";
import type { SegmentSpan } from "@/lib/traces/segments/format";
import { traceSpanSources } from "@/lib/traces/span-store/read";
import type { TraceHeader } from "./trace-header";

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

/** A span's primary key within the trace, in the export's order. */
interface ExportKey {
  spanId: string;
  start: string;
}

/** The trace's resources and scopes, each read once, when its first span is written. */
function groupLookup(tx: TransactionSql, tenantId: string) {
  const resources = new Map<string, Promise<StoredResource | undefined>>();
  const scopes = new Map<string, Promise<StoredScope | undefined>>();
  const once = <T>(cache: Map<string, Promise<T>>, id: string, read: () => Promise<T>) => {
    if (!cache.has(id)) cache.set(id, read());
    return cache.get(id)!;
  };
  return {
    resource: (id: string) =>
      once(resources, id, async () => {
        const [row] = await tx<StoredResource[]>`
          SELECT r.id::text AS id, r.attributes, r.schema_url AS "schemaUrl", r.dropped_attributes_count AS "droppedAttributesCount"
          FROM resources r WHERE r.tenant_id = ${tenantId} AND r.id = ${id}`;
        return row;
      }),
    scope: (id: string | null) =>
      id === null
        ? Promise.resolve(undefined)
        : once(scopes, id, async () => {
            const [row] = await tx<StoredScope[]>`
              SELECT c.id::text AS id, c.name, c.version, c.attributes, c.dropped_attributes_count AS "droppedAttributesCount", c.schema_url AS "schemaUrl"
              FROM scopes c WHERE c.tenant_id = ${tenantId} AND c.id = ${id}`;
            return row;
          }),
  };
}

/** An export row's columns from a span source `s`. */
const EXPORT_COLUMNS = `
  s.resource_id::text AS "resourceId", s.scope_id::text AS "scopeId", s.flags, replace(s.trace_id::text, '-', '') AS "traceId",
  lpad(to_hex(s.span_id), 16, '0') AS "spanId",
  CASE WHEN s.parent_span_id IS NULL THEN NULL ELSE lpad(to_hex(s.parent_span_id), 16, '0') END AS "parentSpanId",
  s.trace_state AS "traceState", s.name, s.kind, (extract(epoch FROM s.start_time) * 1000000)::bigint::text AS "startUs", s.start_sub_us_ns AS "startSubUsNs",
  s.duration_ns::text AS "durationNs", s.status_code AS "statusCode", s.status_message AS "statusMessage",
  s.attributes, s.events, s.links, s.dropped_attributes_count AS "droppedAttributesCount",
  s.dropped_events_count AS "droppedEventsCount", s.dropped_links_count AS "droppedLinksCount"`;

/**
 * Spans encoded in one go, without giving other requests the event loop: about 25 µs each. At
 * 2,000 (50 ms), a stalled download filling its socket's buffers (megabytes on loopback) made
 * every step of everyone else's requests wait 50 ms at a time (the soak's adversary).
 */
const MAX_BATCH_SPANS = 250;

const groupOf = (row: ExportRow) => `${row.resourceId}/${row.scopeId}`;

/**
 * Spans as ResourceSpans, one per resource and scope within each chunk (the group left open by
 * the previous chunk first, so it carries on): a new group opens where the pair changes.
 */
function groupedWriter(groups: ReturnType<typeof groupLookup>) {
  let current: string | null = null;
  let first = true;
  const byGroup = (rows: Iterable<ExportRow>): ExportRow[] => {
    const grouped = new Map<string, ExportRow[]>(current === null ? [] : [[current, []]]);
    for (const row of rows) {
      const list = grouped.get(groupOf(row));
      if (list) list.push(row);
      else grouped.set(groupOf(row), [row]);
    }
    return [...grouped.values()].flat();
  };
  return {
    async chunk(rows: Iterable<ExportRow>): Promise<string> {
      let chunk = "";
      for (const row of byGroup(rows)) {
        const group = groupOf(row);
        if (group !== current) {
          const opening = scopeSpansOpening(await groups.resource(row.resourceId), await groups.scope(row.scopeId));
          chunk += `${current === null ? "" : "]}]},"}${opening}`;
          current = group;
          first = true;
        }
        chunk += `${first ? "" : ","}${JSON.stringify(otlpSpan(row))}`;
        first = false;
      }
      return chunk;
    },
    end: () => (current === null ? "]}" : "]}]}]}"),
  };
}

/**
 * The rows' part, in the primary key's order, which its index gives without sorting, through a
 * cursor of this transaction; each batch's rows are fetched by primary key (no join for the
 * planner to misjudge) and grouped by resource and scope. Ordering the whole trace by group
 * instead sorted every span's key before the first byte: 0.2–0.8 s of a core for a
 * 50,000-span trace on each download opened, even one its client then stalls, which a viewer
 * re-opening stalled downloads turned into everyone's slowest answers (the soak's adversary).
 * A large trace's resource may so open a few ResourceSpans (valid OTLP: the same spans under
 * the same resource and scope when imported).
 */
async function writeRows(tx: TransactionSql, rows: PendingQuery<Row[]>, out: ReturnType<typeof groupedWriter>, write: (chunk: string) => Promise<void>) {
  await tx`
    DECLARE export_keys NO SCROLL CURSOR FOR
    SELECT s.span_id::text AS "spanId", s.start_time::text AS start
    FROM ${rows} s
    ORDER BY s.span_id, s.start_time`;
  // Small batches first: a client that reads the first kilobytes and stops has cost little.
  for (let batch = 50; ; batch = Math.min(batch * 2, MAX_BATCH_SPANS)) {
    const keys = await tx<ExportKey[]>`FETCH FORWARD ${tx.unsafe(String(batch))} FROM export_keys`;
    if (keys.length === 0) break;
    const found = await tx<(ExportRow & { key: string })[]>`
      SELECT s.span_id::text || '/' || s.start_time::text AS key, ${tx.unsafe(EXPORT_COLUMNS)}
      FROM ${rows} s WHERE s.span_id = ANY(${keys.map((k) => k.spanId)}::int8[])`;
    const byKey = new Map(found.map((row) => [row.key, row]));
    // Each statement reads what is committed when it starts: a span purged since the cursor opened is left out.
    await write(await out.chunk(keys.flatMap((key) => byKey.get(`${key.spanId}/${key.start}`) ?? [])));
  }
}

/** A sealed span as EXPORT_COLUMNS read a row. */
function exportRow(s: SegmentSpan, traceId: string): ExportRow {
  return {
    resourceId: s.resourceId.toString(),
    scopeId: s.scopeId === null ? null : s.scopeId.toString(),
    flags: s.flags,
    traceId,
    spanId: bigintToSpanId(s.spanId),
    parentSpanId: s.parentSpanId === null ? null : bigintToSpanId(s.parentSpanId),
    traceState: s.traceState,
    name: s.name,
    kind: s.kind,
    startUs: s.startUs.toString(),
    startSubUsNs: s.startSubUsNs,
    durationNs: s.durationNs.toString(),
    statusCode: s.statusCode,
    statusMessage: s.statusMessage,
    attributes: s.attributes,
    events: s.events,
    links: s.links,
    droppedAttributesCount: s.droppedAttributesCount,
    droppedEventsCount: s.droppedEventsCount,
    droppedLinksCount: s.droppedLinksCount,
  };
}

const sign = (d: bigint) => (d < 0n ? -1 : d > 0n ? 1 : 0);

/** By resource, scope (NULL last), span id and start. */
function exportOrder(a: SegmentSpan, b: SegmentSpan): number {
  if (a.resourceId !== b.resourceId) return sign(a.resourceId - b.resourceId);
  if (a.scopeId !== b.scopeId) return a.scopeId === null ? 1 : b.scopeId === null ? -1 : sign(a.scopeId - b.scopeId);
  return sign(a.spanId - b.spanId) || sign(a.startUs - b.startUs);
}

/** A sealed segment's part, grouped across the whole segment: its spans are decoded already, so that costs Postgres no sort. */
async function writeSegment(spans: SegmentSpan[], traceId: string, out: ReturnType<typeof groupedWriter>, write: (chunk: string) => Promise<void>) {
  const sorted = [...spans].sort(exportOrder);
  for (let i = 0; i < sorted.length; i += MAX_BATCH_SPANS) await write(await out.chunk(sorted.slice(i, i + MAX_BATCH_SPANS).map((s) => exportRow(s, traceId))));
}

/**
 * Writes the export request for the trace in chunks; `write` may wait (backpressure). Spans are
 * grouped as OTLP groups them, by resource and scope, within each chunk of each of the trace's
 * sources (lib/traces/span-store/read.ts): a large trace, or one with rows and sealed segments,
 * may repeat a group, valid OTLP that imports as the same spans under the same resources and scopes.
 */
export async function writeOtlpExport(tx: TransactionSql, header: TraceHeader, write: (chunk: string) => Promise<void>): Promise<void> {
  const out = groupedWriter(groupLookup(tx, header.tenantId));
  await write('{"resourceSpans":[');
  for await (const source of traceSpanSources(tx, header)) {
    await (source.sealed ? writeSegment(source.spans, header.traceId, out, write) : writeRows(tx, source.sql, out, write));
  }
  await write(out.end());
}
