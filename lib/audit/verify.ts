import "server-only";
import type { Sql } from "@/db/connect";
import type { RecordedHead } from "./head";
import { auditHeadMac, auditRowMac, macsEqual } from "./mac";

/** The action of the row the audit retention step writes for each cut (lib/retention). */
export const AUDIT_CUT_ACTION = "audit.retention";

type ChainBreak = "content changed" | "link broken" | "unrecorded removal";
type KeyedBreak = "MAC mismatch" | "unkeyed row after keyed rows";
type HeadBreak = "the recorded head's row is missing" | "recorded head does not match";
type BreakReason = ChainBreak | KeyedBreak | HeadBreak;

export interface ChainReport {
  rows: number;
  /** The first row whose hash, link or MAC does not match, or null when the chain is intact. */
  firstBroken: { seq: number; id: number | null; reason: BreakReason } | null;
  /** With a key: rows carrying a MAC, and older rows written before the key (checked by hash only). */
  keyed?: { rows: number; unkeyed: number };
}

export interface VerifyOptions {
  /** AUDIT_HMAC_KEY: each row's MAC is checked, so an edit cannot be hidden by recomputing the hashes. */
  key?: string | null;
  /** A head recorded earlier outside the database: the rows through it must still be there, unchanged. */
  head?: RecordedHead | null;
}

/**
 * The unkeyed chain (below), then with a key each row's MAC, then the recorded head. Without
 * a key only the hashes are checked, which someone who can write the table can recompute.
 */
export async function verifyAuditLog(sql: Sql, options: VerifyOptions = {}): Promise<ChainReport> {
  const chain = await verifyAuditChain(sql);
  if (!options.key) return chain;
  const keyed = await verifyRowMacs(sql, options.key);
  const head = options.head ? await verifyHead(sql, options.key, options.head) : null;
  const breaks = [chain.firstBroken, keyed.firstBroken, head].filter((b) => b !== null);
  breaks.sort((a, b) => a.seq - b.seq);
  return { rows: chain.rows, firstBroken: breaks[0] ?? null, keyed: { rows: keyed.rows, unkeyed: keyed.unkeyed } };
}

async function verifyRowMacs(sql: Sql, key: string) {
  let rows = 0;
  let unkeyed = 0;
  let firstBroken: ChainReport["firstBroken"] = null;
  await sql<AuditRowRead[]>`
    SELECT id::text, seq::text, actor_id AS "actorId", actor_email AS "actorEmail", role, action, resource, tenants,
           outcome, ip, user_agent AS "userAgent", request_id AS "requestId", trace_id AS "traceId", details, mac
    FROM audit_log ORDER BY seq`.cursor(1000, (batch) => {
    for (const { id, seq, mac, ...content } of batch) {
      if (firstBroken) return;
      if (mac === null) {
        if (rows > 0) firstBroken = { seq: Number(seq), id: Number(id), reason: "unkeyed row after keyed rows" };
        else unkeyed++;
        continue;
      }
      rows++;
      if (!macsEqual(mac, auditRowMac(key, content))) firstBroken = { seq: Number(seq), id: Number(id), reason: "MAC mismatch" };
    }
  });
  return { rows, unkeyed, firstBroken };
}

type AuditRowRead = Parameters<typeof auditRowMac>[1] & { id: string; seq: string; mac: string | null };

async function verifyHead(sql: Sql, key: string, head: RecordedHead): Promise<NonNullable<ChainReport["firstBroken"]> | null> {
  const [row] = await sql<{ id: string; hash: string | null }[]>`SELECT id::text, hash FROM audit_log WHERE seq = ${head.seq}`;
  if (!row && (await removedByRetention(sql, head.seq))) return null;
  if (!row) return { seq: head.seq, id: null, reason: "the recorded head's row is missing" };
  const matches = row.hash !== null && macsEqual(head.mac, auditHeadMac(key, head.seq, row.hash));
  return matches ? null : { seq: head.seq, id: Number(row.id), reason: "recorded head does not match" };
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

/** Whether a recorded audit retention cut went through `seq` (the head was simply old enough). */
async function removedByRetention(sql: Sql, seq: number): Promise<boolean> {
  const [cut] = await sql`
    SELECT 1 FROM audit_log WHERE action = ${AUDIT_CUT_ACTION} AND outcome = 'success'
      AND (details->>'throughSeq')::bigint >= ${seq} LIMIT 1`;
  return cut !== undefined;
}
