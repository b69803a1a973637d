import type { Sql } from "@/db/connect";

/** The action of the row the audit retention step writes for each cut (lib/retention). */
export const AUDIT_CUT_ACTION = "audit.retention";

type BreakReason = "content changed" | "link broken" | "unrecorded removal";

export interface ChainReport {
  rows: number;
  /** The first row whose hash or link does not match, or null when the chain is intact. */
  firstBroken: { seq: number; id: number; reason: BreakReason } | null;
}

/**
 * Recomputes every row's hash in chain order and checks each row points at its predecessor.
 * The oldest remaining row is either the chain's first (seq 1, no predecessor) or the row right
 * after the latest recorded audit retention cut, linking to the hash that cut recorded; any
 * other start means rows were removed without the retention step ("unrecorded removal").
 */
export async function verifyAuditChain(sql: Sql): Promise<ChainReport> {
  const [result] = await sql<{ rows: number; seq: string | null; id: string | null; reason: BreakReason | null }[]>`
    WITH chain AS (
      SELECT id, seq, hash, prev_hash,
             audit_log_row_hash(audit_log) AS recomputed,
             lag(hash) OVER (ORDER BY seq) AS previous,
             row_number() OVER (ORDER BY seq) AS n
      FROM audit_log
    ), cut AS (
      SELECT (details->>'throughSeq')::bigint AS through_seq, details->>'throughHash' AS through_hash
      FROM audit_log WHERE action = ${AUDIT_CUT_ACTION} AND outcome = 'success'
      ORDER BY seq DESC LIMIT 1
    ), broken AS (
      SELECT seq, id,
             CASE WHEN recomputed IS DISTINCT FROM hash THEN 'content changed'
                  WHEN n > 1 THEN 'link broken'
                  ELSE 'unrecorded removal' END AS reason
      FROM chain
      WHERE recomputed IS DISTINCT FROM hash
         OR (n > 1 AND prev_hash IS DISTINCT FROM previous)
         OR (n = 1 AND NOT (
               (seq = 1 AND prev_hash IS NULL)
               OR EXISTS (SELECT 1 FROM cut WHERE cut.through_seq + 1 = chain.seq AND cut.through_hash = chain.prev_hash)))
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
