import "server-only";
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/db/tenant-scope";
import { withTenantScope } from "@/lib/db/scoped";
import { checkedTraceIdUuid } from "@/db/span-codec/ids";
import { withinRetention } from "../retention-filter";
import { tenantFilter } from "./trace-scope-sql";

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
  /**
   * The other tenants in the caller's scope with a trace of this id: a trace is a tenant and an
   * id, so an all-tenant caller is offered each tenant's trace, never one mixing them.
   */
  otherTenants: string[];
}

/**
 * The trace with this id in the caller's scope and within retention, or null: another
 * tenant's trace and an expired one look exactly like one that never existed. Should one id
 * exist in several of the caller's tenants, `tenant` picks one (else the first by tenant id)
 * and the others are listed: never mixed.
 */
export async function findTraceHeader(tx: TransactionSql, scope: TenantScope, traceId: string, tenant?: string): Promise<TraceHeader | null> {
  const rows = await tx<Omit<TraceHeader, "otherTenants">[]>`
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
    WHERE t.trace_id = ${checkedTraceIdUuid(traceId)}::uuid
      AND ${tenantFilter(tx, scope)}
      AND ${withinRetention(tx)}
    ORDER BY t.tenant_id`;
  const row = tenant === undefined ? rows[0] : rows.find((r) => r.tenantId === tenant);
  return row ? { ...row, otherTenants: rows.filter((r) => r !== row).map((r) => r.tenantId) } : null;
}

export function loadTraceHeader(scope: TenantScope, traceId: string, tenant?: string): Promise<TraceHeader | null> {
  return withTenantScope(scope, (tx) => findTraceHeader(tx, scope, traceId, tenant));
}
