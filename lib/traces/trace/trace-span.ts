import "server-only";
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/db/tenant-scope";
import type { SpanEvent, SpanLink } from "@/db/schema";
import { withTenantScope } from "@/lib/db/scoped";
import { bigintToSpanId, checkedSpanIdToBigint, checkedTraceIdUuid } from "@/db/span-codec/ids";
import { fieldText } from "@/lib/db/jsonb-text";
import { spanAt, spanJson } from "@/lib/traces/segments/decode";
import { JSON_COLUMNS, type JsonColumn } from "@/lib/traces/segments/format";
import { hasAnyKey } from "@/lib/traces/span-store/columns";
import { columnOrder, firstBySpanOrder, pastFirst, SPAN_ORDER, spanOrderAt, type SpanOrder } from "@/lib/traces/span-store/order";
import { keptRows, sourceSql, traceSpanColumnSources, type RowsSource, type SegmentColumnsSource, type SpanSource } from "@/lib/traces/span-store/read";
import { findTraceHeader } from "./trace-header";

/** A job or event handler run in the trace: a consumer span carrying job.* or event.* attributes. */
export interface AsyncWork {
  spanId: string;
  service: string;
  name: string;
  kind: "job" | "event";
  /** job.name or event.name. */
  label: string | null;
  /** job.attempt, when a job. */
  attempt: string | null;
  outcome: string | null;
  error: boolean;
}

/** Everything the detail panel shows about one span. */
export interface SpanDetail {
  spanId: string;
  parentSpanId: string | null;
  /** W3C tracestate as received. */
  traceState: string | null;
  service: string;
  name: string;
  kind: number;
  requestId: string | null;
  /** ISO 8601 UTC with nine fractional digits: the start to the nanosecond. */
  start: string;
  durationNs: string;
  statusCode: number;
  statusMessage: string | null;
  /** OTLP span flags (fixed32, unsigned): W3C trace flags in bits 0-7, the remote-parent bits 8 and 9. */
  flags: number;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  resourceSchemaUrl: string;
  resourceDroppedAttributes: number;
  /** The instrumentation scope; null for spans stored before scopes were (migration 0017). */
  scope: { name: string; version: string; attributes: Record<string, unknown>; droppedAttributesCount: number; schemaUrl: string } | null;
  events: (SpanEvent & { offsetNs: number })[];
  links: SpanLink[];
  dropped: { attributes: number; events: number; links: number };
  /** The jobs and event handlers of the whole trace (the panel keeps this span's descendants). */
  asyncWork: AsyncWork[];
}

interface Row extends Omit<SpanDetail, "events" | "asyncWork" | "dropped"> {
  events: SpanEvent[];
  droppedAttributes: number;
  droppedEvents: number;
  droppedLinks: number;
}

/** The attributes that make a consumer span a job or event handler run (AsyncWork). */
const ASYNC_WORK_KEYS = ["job.id", "job.name", "event.id", "event.name"];

/** The trace's jobs and event handlers the panel gets at most. */
const MAX_ASYNC_WORK = 1000;

/** The detail's columns of the span in `source` (joined to its resource and scope), or none. */
async function detailRow(tx: TransactionSql, source: SpanSource, spanId: bigint): Promise<Row | undefined> {
  const [row] = await tx<Row[]>`
    SELECT lpad(to_hex(s.span_id), 16, '0') AS "spanId",
           CASE WHEN s.parent_span_id IS NULL THEN NULL ELSE lpad(to_hex(s.parent_span_id), 16, '0') END AS "parentSpanId",
           s.trace_state AS "traceState", s.service, s.name, s.kind, s.request_id AS "requestId",
           to_char(s.start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || lpad(s.start_sub_us_ns::text, 3, '0') || 'Z' AS start,
           s.duration_ns::text AS "durationNs", s.status_code AS "statusCode", s.status_message AS "statusMessage",
           (s.flags::bigint & 4294967295)::float8 AS flags,
           s.attributes, coalesce(r.attributes, '{}'::jsonb) AS resource, coalesce(r.schema_url, '') AS "resourceSchemaUrl",
           coalesce(r.dropped_attributes_count, 0) AS "resourceDroppedAttributes",
           CASE WHEN c.id IS NULL THEN NULL ELSE jsonb_build_object('name', c.name, 'version', c.version, 'attributes', c.attributes,
             'droppedAttributesCount', c.dropped_attributes_count, 'schemaUrl', c.schema_url) END AS scope,
           s.events, s.links,
           s.dropped_attributes_count AS "droppedAttributes", s.dropped_events_count AS "droppedEvents",
           s.dropped_links_count AS "droppedLinks"
    FROM ${sourceSql(tx, source)} s LEFT JOIN resources r ON r.tenant_id = s.tenant_id AND r.id = s.resource_id
    LEFT JOIN scopes c ON c.tenant_id = s.tenant_id AND c.id = s.scope_id
    WHERE s.span_id = ${spanId.toString()}::bigint
    LIMIT 1`;
  return row;
}

/** The rows' async work by their SQL: the first MAX_ASYNC_WORK by (start, span id). */
function rowsAsyncWork(tx: TransactionSql, rows: RowsSource): Promise<(AsyncWork & SpanOrder)[]> {
  return tx<(AsyncWork & SpanOrder)[]>`
    SELECT lpad(to_hex(s.span_id), 16, '0') AS "spanId", s.service, s.name,
           CASE WHEN s.attributes ? 'job.id' OR s.attributes ? 'job.name' THEN 'job' ELSE 'event' END AS kind,
           coalesce(s.attributes->>'job.name', s.attributes->>'event.name') AS label,
           s.attributes->>'job.attempt' AS attempt, s.attributes->>'job.outcome' AS outcome,
           s.status_code = 2 AS error,
           ${tx.unsafe(SPAN_ORDER)}
    FROM ${sourceSql(tx, rows)} s
    WHERE s.kind = 5
      AND (s.attributes ? 'job.id' OR s.attributes ? 'job.name' OR s.attributes ? 'event.id' OR s.attributes ? 'event.name')
    ORDER BY s.start_time, s.span_id
    LIMIT ${MAX_ASYNC_WORK}`;
}

/**
 * A segment's async work built in Node from its columns, the values rowsAsyncWork's SQL writes
 * for a row (`->>` spelled by jsonbText): handing a large trace's job spans to Postgres as JSON
 * took over a second. Its first MAX_ASYNC_WORK by (start, span id).
 */
function segmentAsyncWork(source: SegmentColumnsSource<"attributes">): (AsyncWork & SpanOrder)[] {
  const { columns: c } = source;
  const rows = keptRows(source);
  const picked: number[] = [];
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    if (c.kind[i] === 5 && hasAnyKey(spanJson(c, "attributes", i), ASYNC_WORK_KEYS)) picked.push(i);
  }
  picked.sort(columnOrder(c));
  return picked.slice(0, MAX_ASYNC_WORK).map((i) => {
    const attributes = spanJson(c, "attributes", i);
    const job = Object.hasOwn(attributes, "job.id") || Object.hasOwn(attributes, "job.name");
    return {
      spanId: bigintToSpanId(c.spanId[i]!),
      service: c.strings[c.service[i]!]!,
      name: c.strings[c.name[i]!]!,
      kind: job ? "job" : "event",
      label: fieldText(attributes, "job.name") ?? fieldText(attributes, "event.name"),
      attempt: fieldText(attributes, "job.attempt"),
      outcome: fieldText(attributes, "job.outcome"),
      error: c.statusCode[i] === 2,
      ...spanOrderAt(c, i),
    };
  });
}

/** The span's row in a segment's columns (one no row shadows), or -1. */
function rowOf(source: SegmentColumnsSource<JsonColumn>, spanId: bigint): number {
  const rows = keptRows(source);
  for (let k = 0; k < rows.length; k++) if (source.columns.spanId[rows[k]!] === spanId) return rows[k]!;
  return -1;
}

export async function readSpanDetail(
  tx: TransactionSql,
  scope: TenantScope,
  request: { traceId: string; tenant?: string; spanId: string },
): Promise<SpanDetail | null> {
  const header = await findTraceHeader(tx, scope, request.traceId, request.tenant);
  if (!header) return null;
  const spanId = checkedSpanIdToBigint(request.spanId);
  let row: Row | undefined;
  const work: (AsyncWork & SpanOrder)[] = [];
  // Every source, for the trace's async work, but a segment starting after the first
  // MAX_ASYNC_WORK found once the span is; the span from the first source that has it (rows win).
  const enough = pastFirst(work, MAX_ASYNC_WORK);
  for await (const source of traceSpanColumnSources(tx, header, JSON_COLUMNS, (startUs) => row !== undefined && enough(startUs))) {
    if (!source.sealed) {
      row = await detailRow(tx, source, spanId);
      work.push(...(await rowsAsyncWork(tx, source)));
      continue;
    }
    const i = row ? -1 : rowOf(source, spanId);
    // Only this span goes to Postgres, which writes the detail as it does for a row.
    if (i >= 0) row = await detailRow(tx, { sealed: true, spans: [spanAt(source.columns, i)], tenantId: header.tenantId, traceUuid: checkedTraceIdUuid(header.traceId) }, spanId);
    work.push(...segmentAsyncWork(source));
  }
  if (!row) return null;
  const asyncWork = firstBySpanOrder(work, MAX_ASYNC_WORK);
  const startNs = BigInt(`${header.startUs}000`);
  const { droppedAttributes, droppedEvents, droppedLinks, events, ...span } = row;
  return {
    ...span,
    events: events.map((e) => ({ ...e, offsetNs: Number(BigInt(e.timeUnixNano) - startNs) })),
    dropped: { attributes: droppedAttributes, events: droppedEvents, links: droppedLinks },
    asyncWork,
  };
}

export function loadSpanDetail(scope: TenantScope, request: { traceId: string; tenant?: string; spanId: string }): Promise<SpanDetail | null> {
  return withTenantScope(scope, (tx) => readSpanDetail(tx, scope, request));
}
