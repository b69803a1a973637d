import "server-only";
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/lib/auth/scope";
import type { SpanPage } from "@/lib/waterfall/span-page";
import { withTenantScope } from "@/db/scoped";
import { findTraceHeader, type TraceHeader } from "./trace-header";
import { DEFAULT_PAGE_SPANS } from "./spans-cursor";
import { spanWhere } from "./trace-span";

export interface SpanPageRequest {
  traceId: string;
  tenant?: string;
  cursor?: string;
  limit?: number;
}

interface Row {
  id: string;
  parent: string;
  start: number;
  duration: number;
  service: string;
  name: string;
  kind: number;
  status: number;
  events: number[] | null;
  cursor: string;
}

/**
 * The spans of a trace after `cursor`, in span id order (the primary key's, so each page is
 * an index range scan and pages never overlap or skip), within the trace's time range so only
 * its day partitions are read. Null when the trace is not visible to the caller.
 */
export async function readSpanPage(tx: TransactionSql, scope: TenantScope, request: SpanPageRequest): Promise<SpanPage | null> {
  const header = await findTraceHeader(tx, scope, request.traceId, request.tenant);
  if (!header) return null;
  return spanPageOf(tx, header, request.cursor, request.limit ?? DEFAULT_PAGE_SPANS);
}

async function spanPageOf(tx: TransactionSql, header: TraceHeader, cursor: string | undefined, limit: number): Promise<SpanPage> {
  const startNs = `${header.startUs}000`;
  const rows = await tx<Row[]>`
    SELECT lpad(to_hex(s.span_id), 16, '0') AS id,
           coalesce(lpad(to_hex(s.parent_span_id), 16, '0'), '') AS parent,
           (extract(epoch FROM s.start_time) * 1000000 - ${header.startUs}::numeric)::float8 AS start,
           s.duration_ns::float8 AS duration, s.service, s.name, s.kind, s.status_code AS status,
           CASE WHEN s.events = '[]'::jsonb THEN NULL ELSE
             (SELECT array_agg(((e->>'timeUnixNano')::numeric - ${startNs}::numeric)::float8)
              FROM jsonb_array_elements(s.events) e) END AS events,
           s.span_id::text AS cursor
    FROM spans s
    WHERE ${spanWhere(tx, header)}
      AND ${cursor === undefined ? tx`true` : tx`s.span_id > ${cursor}::bigint`}
    ORDER BY s.span_id
    LIMIT ${limit + 1}`;
  const more = rows.length > limit;
  if (more) rows.pop();
  return toPage(rows, more ? rows[rows.length - 1]!.cursor : null);
}

function toPage(rows: Row[], next: string | null): SpanPage {
  const serviceTable: string[] = [];
  const serviceIndex = new Map<string, number>();
  const nameTable: string[] = [];
  const nameIndex = new Map<string, number>();
  const page: SpanPage = {
    ids: [], parents: [], starts: [], durations: [], services: [], serviceTable, names: [], nameTable, kinds: [], statuses: [], events: [], next,
  };
  rows.forEach((r, i) => {
    page.ids.push(r.id);
    page.parents.push(r.parent);
    page.starts.push(r.start);
    page.durations.push(r.duration);
    page.services.push(indexIn(r.service, serviceTable, serviceIndex));
    page.names.push(indexIn(r.name, nameTable, nameIndex));
    page.kinds.push(r.kind);
    page.statuses.push(r.status);
    if (r.events) page.events.push(i, r.events.length, ...r.events);
  });
  return page;
}

function indexIn(value: string, table: string[], index: Map<string, number>): number {
  let i = index.get(value);
  if (i === undefined) {
    i = table.push(value) - 1;
    index.set(value, i);
  }
  return i;
}

export function loadSpanPage(scope: TenantScope, request: SpanPageRequest): Promise<SpanPage | null> {
  return withTenantScope(scope, (tx) => readSpanPage(tx, scope, request));
}
