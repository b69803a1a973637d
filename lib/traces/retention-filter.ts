import "server-only";
import type { TransactionSql } from "postgres";

/**
 * ADR-010 rule 4: data past its tenant's retention is invisible even before the purge.
 * Kept traces (error, slow root, security) use the longer retention. `t` and `n` are the
 * aliases of traces and tenants in the calling query. The purge (lib/retention) deletes by
 * the same rule, so what this hides is exactly what the next run removes.
 */
export function withinRetention(tx: TransactionSql) {
  return tx`t.start_time >= now() - make_interval(days => CASE
      WHEN t.has_error OR t.is_slow OR t.is_security THEN n.kept_retention_days
      ELSE n.retention_days END)`;
}

/**
 * The same rule for reads of spans that do not join their trace summary: `s` and `n` are the
 * aliases of spans and tenants. A span is visible while its trace is; retention counts from the
 * trace's start, which is never after the span's, so a span older than the kept-trace window is
 * out without a lookup, and for the rest the summary decides the class.
 */
export function spanWithinRetention(tx: TransactionSql) {
  return tx`s.start_time >= now() - make_interval(days => n.kept_retention_days)
    AND EXISTS (
      SELECT 1 FROM traces t
      WHERE t.tenant_id = s.tenant_id AND t.trace_id = s.trace_id AND ${withinRetention(tx)})`;
}
