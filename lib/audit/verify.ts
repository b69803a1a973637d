import type { Sql } from "@/db/connect";

type BreakReason = "content changed" | "link broken";

export interface ChainReport {
  rows: number;
  /** The first row whose hash or link does not match, or null when the chain is intact. */
  firstBroken: { seq: number; id: number; reason: BreakReason } | null;
}

/**
 * Recomputes every row's hash in chain order and checks each row points at its predecessor.
 * The first row may point at a hash that is no longer there: rows before it were removed by
 * the audit retention step, which records that cut itself.
 */
export async function verifyAuditChain(sql: Sql): Promise<ChainReport> {
  const [result] = await sql<{ rows: number; seq: string | null; id: string | null; reason: BreakReason | null }[]>`
    WITH chain AS (
      SELECT id, seq, hash, prev_hash,
             audit_log_row_hash(audit_log) AS recomputed,
             lag(hash) OVER (ORDER BY seq) AS previous,
             row_number() OVER (ORDER BY seq) AS n
      FROM audit_log
    ), broken AS (
      SELECT seq, id, CASE WHEN recomputed IS DISTINCT FROM hash THEN 'content changed' ELSE 'link broken' END AS reason
      FROM chain
      WHERE recomputed IS DISTINCT FROM hash OR (n > 1 AND prev_hash IS DISTINCT FROM previous)
      ORDER BY seq
      LIMIT 1
    )
    SELECT (SELECT count(*)::int FROM audit_log) AS rows, broken.seq::text, broken.id::text, broken.reason
    FROM (SELECT 1) AS one LEFT JOIN broken ON true`;
  return {
    rows: result?.rows ?? 0,
    firstBroken:
      result?.seq && result.id && result.reason ? { seq: Number(result.seq), id: Number(result.id), reason: result.reason } : null,
  };
}
