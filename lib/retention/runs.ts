import "server-only";
import type { Sql } from "@/db/connect";

export type RunStatus = "running" | "completed" | "failed" | "interrupted";

export interface RetentionRun {
  id: string;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: RunStatus;
  counts: Record<string, unknown>;
  partitionsDropped: string[];
  heldTenants: string[];
  error: string | null;
}

interface Row {
  id: string;
  started_at: Date;
  finished_at: Date | null;
  outcome: RunStatus;
  counts: Record<string, unknown>;
  partitions_dropped: string[];
  held_tenants: string[];
  error: string | null;
}

const fromRow = (r: Row): RetentionRun => ({
  id: r.id,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  outcome: r.outcome,
  counts: r.counts,
  partitionsDropped: r.partitions_dropped,
  heldTenants: r.held_tenants,
  error: r.error,
});

export async function recentRuns(sql: Sql, limit = 20): Promise<RetentionRun[]> {
  const rows = await sql<Row[]>`
    SELECT id, started_at, finished_at, outcome, counts, partitions_dropped, held_tenants, error
    FROM retention_runs ORDER BY started_at DESC LIMIT ${limit}`;
  return rows.map(fromRow);
}

/** The run that holds the lock now, as far as its record says. */
export async function runningRunId(sql: Sql): Promise<string | null> {
  const [row] = await sql<{ id: string }[]>`
    SELECT id FROM retention_runs WHERE outcome = 'running' ORDER BY started_at DESC LIMIT 1`;
  return row?.id ?? null;
}

/**
 * Called by the run that just took the lock: any other 'running' record belongs to a run that
 * died without finishing (killed process, lost connection). Its work is redone by this run.
 */
export async function markInterrupted(sql: Sql): Promise<number> {
  const result = await sql`
    UPDATE retention_runs SET outcome = 'interrupted', finished_at = now(),
           error = coalesce(error, 'cut off before it finished; the next run completed its work')
    WHERE outcome = 'running'`;
  return result.count;
}

export async function startRunRecord(sql: Sql, trigger: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO retention_runs (counts) VALUES (${sql.json({ trigger })}) RETURNING id`;
  return row!.id;
}

export async function updateRunRecord(
  sql: Sql,
  id: string,
  update: { outcome?: RunStatus; counts: object; partitionsDropped: string[]; heldTenants: string[]; error?: string | null },
): Promise<void> {
  const finished = update.outcome !== undefined && update.outcome !== "running";
  await sql`
    UPDATE retention_runs SET
      outcome = coalesce(${update.outcome ?? null}, outcome),
      finished_at = CASE WHEN ${finished} THEN now() ELSE finished_at END,
      counts = ${sql.json(update.counts as never)},
      partitions_dropped = ${update.partitionsDropped},
      held_tenants = ${update.heldTenants},
      error = ${update.error ?? null}
    WHERE id = ${id}`;
}
