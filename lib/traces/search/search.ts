import "server-only";
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/db/tenant-scope";
import { withTenantScope } from "@/lib/db/scoped";
import { decodeCursor, encodeCursor, type SearchCursor } from "./search-cursor";
import { probedConditions } from "./search-probes";
import type { AttributeCondition, SearchFilters } from "./search-params";
import { afterCursor, searchSource, searchWhere, searchWindow, SORT_COLUMNS, type LookupStep } from "./search-sql";

export { CursorError } from "./search-cursor";

/** One result row; JSON-safe (durations in nanoseconds fit a double up to 104 days). */
export interface TraceHit {
  traceId: string;
  tenantId: string;
  startTime: string;
  durationNs: number;
  rootService: string | null;
  rootName: string | null;
  requestId: string | null;
  spanCount: number;
  errorCount: number;
  services: string[];
}

export interface SearchResult {
  traces: TraceHit[];
  /** The next page's cursor, or null on the last page. */
  nextCursor: string | null;
}

interface HitRow extends TraceHit {
  sortValue: string;
}

/**
 * One page of traces matching the filters, read from the traces summary only (never spans),
 * within the caller's scope and every tenant's retention, in keyset order. The transaction is
 * the caller's: under the reader role and row-level security (withTenantScope). A lookup by
 * id tries trace and request ids first and job or event ids only when those match nothing.
 */
export async function searchTracesIn(tx: TransactionSql, scope: TenantScope, f: SearchFilters, now = new Date()): Promise<SearchResult> {
  const cursor = f.cursor ? decodeCursor(f.cursor, f.sort, f.dir) : null;
  // A generic plan of this prepared statement cannot see the time window or the tenant, and
  // picks sort-the-window plans that take seconds; planning anew costs about a millisecond.
  await tx`SELECT set_config('plan_cache_mode', 'force_custom_plan', true)`;
  if (!f.q) {
    const window = searchWindow(scope, f, now);
    const probed = window ? await probedConditions(tx, f.attr ?? [], window) : new Set<AttributeCondition>();
    return page(tx, scope, f, cursor, null, now, probed);
  }
  const byIds = await page(tx, scope, f, cursor, { q: f.q, step: "ids" }, now, new Set());
  return byIds.traces.length > 0 ? byIds : page(tx, scope, f, cursor, { q: f.q, step: "attributes" }, now, new Set());
}

async function page(
  tx: TransactionSql,
  scope: TenantScope,
  f: SearchFilters,
  cursor: SearchCursor | null,
  lookupBy: { q: string; step: LookupStep } | null,
  now: Date,
  probed: ReadonlySet<AttributeCondition>,
): Promise<SearchResult> {
  const col = tx(SORT_COLUMNS[f.sort]);
  const dir = f.dir === "desc" ? tx`DESC` : tx`ASC`;
  const sortValue = f.sort === "start" ? tx`((extract(epoch FROM t.start_time) * 1000000)::bigint)::text` : tx`${col}::text`;
  const rows = await tx<HitRow[]>`
    SELECT t.trace_id AS "traceId", t.tenant_id AS "tenantId",
           to_char(t.start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "startTime",
           t.duration_ns::float8 AS "durationNs", t.root_service AS "rootService", t.root_name AS "rootName",
           t.request_id AS "requestId", t.span_count AS "spanCount", t.error_count AS "errorCount", t.services,
           ${sortValue} AS "sortValue"
    FROM ${searchSource(tx, lookupBy)} JOIN tenants n ON n.id = t.tenant_id
    WHERE ${searchWhere(tx, scope, f, now, probed)} AND ${cursor ? afterCursor(tx, cursor) : tx`true`}
    ORDER BY ${col} ${dir}, t.tenant_id ${dir}, t.trace_id ${dir}
    LIMIT ${f.limit + 1}`;
  const hits = rows.slice(0, f.limit);
  const last = hits[hits.length - 1];
  const nextCursor =
    rows.length > f.limit && last
      ? encodeCursor({ sort: f.sort, dir: f.dir, value: last.sortValue, tenantId: last.tenantId, traceId: last.traceId })
      : null;
  return { traces: hits.map(({ sortValue: _, ...hit }) => hit), nextCursor };
}

/** `searchTracesIn` under the caller's tenant scope. */
export function searchTraces(scope: TenantScope, f: SearchFilters): Promise<SearchResult> {
  return withTenantScope(scope, (tx) => searchTracesIn(tx, scope, f));
}
