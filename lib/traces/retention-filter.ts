import "server-only";
import type { TransactionSql } from "postgres";

/**
 * ADR-010 rule 4: data past its tenant's retention is invisible even before the purge.
 * Kept traces (error, slow root, security) use the longer retention. `t` and `n` are the
 * aliases of traces and tenants in the calling query.
 */
export function withinRetention(tx: TransactionSql) {
  return tx`t.start_time >= now() - make_interval(days => CASE
      WHEN t.has_error OR t.is_slow OR t.is_security THEN n.kept_retention_days
      ELSE n.retention_days END)`;
}
