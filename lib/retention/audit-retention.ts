import "server-only";
import type { Sql } from "@/db/connect";
import { recordAudit } from "@/lib/audit/record";
import { AUDIT_CUT_ACTION } from "@/lib/audit/verify";
import { AUDIT_RETENTION_DAYS } from "./policy";
import { lockedTransaction } from "./transaction";

export interface AuditCut {
  removed: number;
  /** The last removed row's chain position and hash; the first remaining row links to it. */
  throughSeq: number | null;
  throughHash: string | null;
}

const NO_REQUEST = { ip: null, userAgent: null, requestId: null, traceId: null };

/**
 * ADR-010 rule 6: removes the oldest audit rows, only those past the 400-day retention and only
 * as a prefix of the chain, so what remains is one unbroken chain. Each batch deletes and writes
 * the row recording its cut (how many, through which seq and hash) in one transaction: there is
 * never a removal without its record. The delete trigger of migration 0003 lets this through
 * only with app.audit_retention on and only for rows older than 400 days.
 */
export async function purgeAuditLog(sql: Sql, options: { batchSize: number; signal?: AbortSignal }): Promise<AuditCut> {
  const total: AuditCut = { removed: 0, throughSeq: null, throughHash: null };
  for (;;) {
    options.signal?.throwIfAborted();
    const cut = await lockedTransaction(sql, async (tx) => {
      await tx`SELECT set_config('app.audit_retention', 'on', true)`;
      const head = await tx<{ seq: number; hash: string; old: boolean }[]>`
        SELECT seq::float8 AS seq, hash, at < now() - make_interval(days => ${AUDIT_RETENTION_DAYS}) AS old
        FROM audit_log ORDER BY seq LIMIT ${options.batchSize}`;
      const firstKept = head.findIndex((r) => !r.old);
      const prefix = firstKept === -1 ? head : head.slice(0, firstKept);
      const last = prefix.at(-1);
      if (!last) return null;
      const deleted = await tx`DELETE FROM audit_log WHERE seq <= ${last.seq}`;
      const removed = { removed: deleted.count, throughSeq: last.seq, throughHash: last.hash };
      await recordAudit(tx, {
        actor: { id: null, email: null, role: null },
        action: AUDIT_CUT_ACTION,
        outcome: "success",
        details: { ...removed, retentionDays: AUDIT_RETENTION_DAYS },
        request: NO_REQUEST,
      });
      return { ...removed, complete: prefix.length < options.batchSize };
    });
    if (!cut) return total;
    total.removed += cut.removed;
    total.throughSeq = cut.throughSeq;
    total.throughHash = cut.throughHash;
    if (cut.complete) return total;
  }
}
