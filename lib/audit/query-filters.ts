import "server-only";
import type { Sql } from "@/db/connect";
import type { AuditFilters } from "./audit-params";

/**
 * Audit verbs that read trace data, by their first segment: `trace.search`, `trace.view`,
 * `latency.view`, `investigate.view`, … (the pages of DESIGN.md that show trace payloads).
 */
export const TRACE_DATA_AREAS = ["trace", "latency", "investigate"] as const;

/** Roles whose reads cover every tenant without naming one. */
const ALL_TENANT_ROLES = ["admin", "investigator"];

type FilterName = "action" | "outcome";

/**
 * The WHERE clause of the filters over `audit_log a`, shared by the listing, the summary and
 * the export so they always agree. The tenant filter is an array overlap, served by the GIN
 * index on tenants. `ignore` leaves out filters a view splits by itself.
 */
export function auditWhere(sql: Sql, f: AuditFilters, ignore: readonly FilterName[] = []) {
  const tenant = f.tenants.length
    ? f.unscoped
      ? sql`AND (a.tenants && ${f.tenants}::text[] OR (cardinality(a.tenants) = 0 AND a.role = ANY(${ALL_TENANT_ROLES}::text[])))`
      : sql`AND a.tenants && ${f.tenants}::text[]`
    : sql``;
  const action =
    f.action && !ignore.includes("action")
      ? f.action.endsWith(".")
        ? sql`AND starts_with(a.action, ${f.action})`
        : sql`AND a.action = ${f.action}`
      : sql``;
  return sql`
    a.at >= ${f.range.from} AND a.at < ${f.range.to}
    ${f.user ? sql`AND lower(a.actor_email) = ${f.user}` : sql``}
    ${f.role ? sql`AND a.role = ${f.role}` : sql``}
    ${tenant}
    ${action}
    ${f.traceData ? sql`AND ${isTraceData(sql)}` : sql``}
    ${f.outcome && !ignore.includes("outcome") ? sql`AND a.outcome = ${f.outcome}` : sql``}`;
}

/** True for rows whose action read trace data. */
export function isTraceData(sql: Sql) {
  return sql`split_part(a.action, '.', 1) = ANY(${TRACE_DATA_AREAS as unknown as string[]}::text[])`;
}
