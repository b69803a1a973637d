import "server-only";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import { LOG_LEVELS } from "@/lib/filters/log-level";
import type { SearchFilters } from "./search-params";
import type { SearchWindow } from "./search-numbers";

type Fragment = PendingQuery<Row[]>;

/** Whether a search asks for traces by their logs. */
export function hasLogCondition(f: Pick<SearchFilters, "logText" | "logLevel">): boolean {
  return f.logText !== undefined || f.logLevel !== undefined;
}

/**
 * Traces with a log record in the same tenant matching the words and minimum severity. With a
 * window (every search but a lookup by id) a semi-join on the records of that tenant and window
 * found by log_records_matching (migration 0026), whose body words go through the full-text
 * index; a lookup by id names a few traces, whose records are read by trace
 * (log_records_trace_idx) wherever they fall within retention.
 */
export function logCondition(tx: TransactionSql, f: Pick<SearchFilters, "logText" | "logLevel">, window: SearchWindow | null): Fragment {
  const minSeverity = f.logLevel ? LOG_LEVELS[f.logLevel] : 0;
  const text = f.logText ?? null;
  if (window) {
    const tenants = window.tenants ? (window.tenants as string[]) : null;
    return tx`(t.tenant_id, t.trace_id) IN (
      SELECT m.tenant_id, m.trace_id
      FROM log_records_matching(${tenants}::text[], ${window.from}, ${window.to}, ${minSeverity}::int, ${text}::text, true, NULL, NULL, NULL, NULL) m)`;
  }
  return tx`EXISTS (
    SELECT 1 FROM log_records l
    WHERE l.tenant_id = t.tenant_id AND l.trace_id = t.trace_id AND l.severity_number >= ${minSeverity}::int
      AND (${text}::text IS NULL OR to_tsvector('simple'::regconfig, coalesce(l.body #>> '{}', '')) @@ plainto_tsquery('simple'::regconfig, ${text}::text)))`;
}
