import "server-only";
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/lib/auth/scope";
import { withTenantScope } from "@/db/scoped";
import { withinRetention } from "./retention-filter";
import { tenantFilter } from "./trace-scope-sql";
import { traceIdUuid } from "./trace-id";

/** The summary of one trace the waterfall opens with, plus what its span queries need. */
export interface TraceHeader {
  traceId: string;
  tenantId: string;
  /** ISO-8601 with microseconds (UTC). */
  start: string;
  end: string;
  /** Microseconds since the epoch, as decimal text (exact). */
  startUs: string;
  durationNs: string;
  rootSpanId: string | null;
  rootService: string | null;
  rootName: string | null;
  requestId: string | null;
  spanCount: number;
  errorCount: number;
  services: string[];
  hasError: boolean;
  isSlow: boolean;
  isSecurity: boolean;
}

/**
 * The trace with this id in the caller's scope and within retention, or null: another
 * tenant's trace and an expired one look exactly like one that never existed. Should one id
 * exist in two tenants, `tenant` picks one (else the first by tenant id): never both mixed.
 */
export async function findTraceHeader(tx: TransactionSql, scope: TenantScope, traceId: string, tenant?: string): Promise<TraceHeader | null> {
  const [row] = await tx<TraceHeader[]>`
    SELECT replace(t.trace_id::text, '-', '') AS "traceId", t.tenant_id AS "tenantId",
           to_char(t.start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS start,
           to_char(t.end_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS end,
           (extract(epoch FROM t.start_time) * 1000000)::bigint::text AS "startUs",
           t.duration_ns::text AS "durationNs",
           CASE WHEN t.root_span_id IS NULL THEN NULL ELSE lpad(to_hex(t.root_span_id), 16, '0') END AS "rootSpanId",
           t.root_service AS "rootService", t.root_name AS "rootName", t.request_id AS "requestId",
           t.span_count AS "spanCount", t.error_count AS "errorCount", t.services,
           t.has_error AS "hasError", t.is_slow AS "isSlow", t.is_security AS "isSecurity"
    FROM traces t JOIN tenants n ON n.id = t.tenant_id
    WHERE t.trace_id = ${traceIdUuid(traceId)}::uuid
      AND ${tenantFilter(tx, scope)}
      AND ${tenant === undefined ? tx`true` : tx`t.tenant_id = ${tenant}`}
      AND ${withinRetention(tx)}
    ORDER BY t.tenant_id
    LIMIT 1`;
  return row ?? null;
}

export function loadTraceHeader(scope: TenantScope, traceId: string, tenant?: string): Promise<TraceHeader | null> {
  return withTenantScope(scope, (tx) => findTraceHeader(tx, scope, traceId, tenant));
}
