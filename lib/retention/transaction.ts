import "server-only";
import type { Sql } from "@/db/connect";

/** The session-level advisory lock that lets one purge run at a time, cluster-wide. */
export const RETENTION_LOCK_KEY = 7420010;

export class LostRetentionLockError extends Error {
  constructor() {
    super("the run's database session was replaced, so it no longer holds the retention lock");
  }
}

/**
 * postgres.js reconnects silently when a session dies between statements, and a new session
 * does not hold the lock: every unit of work checks first, so a run never works unlocked.
 */
export async function assertHoldsLock(conn: Sql): Promise<void> {
  const [row] = await conn<{ held: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = ${RETENTION_LOCK_KEY}
                   AND pid = pg_backend_pid() AND granted) AS held`;
  if (!row?.held) throw new LostRetentionLockError();
}

/** A transaction on the run's single-connection session, which must still hold the lock. */
export async function lockedTransaction<T>(conn: Sql, work: (tx: Sql) => Promise<T>): Promise<T> {
  await conn`BEGIN`;
  try {
    await assertHoldsLock(conn);
    const result = await work(conn);
    await conn`COMMIT`;
    return result;
  } catch (error) {
    await conn`ROLLBACK`.catch(() => {});
    throw error;
  }
}
