import "server-only";
import type { Sql } from "@/db/connect";

/** How a rollup folds the insert-only deltas ingest writes for it. */
export interface DeltaFold {
  /** The advisory lock its folders take turns on. */
  lock: number;
  /** The delta table; trusted text, never input. */
  delta: string;
  /** The temporary table its rows move to while they are merged. */
  folding: string;
  /** Statements merging the folding table's rows into each grain of the rollup. */
  statements: readonly string[];
}

/**
 * Merges the committed rows of a delta table into its rollup and deletes them, in one
 * transaction: a row is folded exactly once, even with several folders (they take turns on the
 * lock). Rows committed meanwhile wait for the next fold. Returns how many delta rows were folded.
 */
export async function foldDeltas(sql: Sql, fold: DeltaFold): Promise<number> {
  return (await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${fold.lock})`;
    await tx.unsafe(`CREATE TEMP TABLE IF NOT EXISTS ${fold.folding} (LIKE ${fold.delta}) ON COMMIT DELETE ROWS`);
    const moved = await tx.unsafe(`WITH d AS (DELETE FROM ${fold.delta} RETURNING *) INSERT INTO pg_temp.${fold.folding} SELECT * FROM d`);
    if (moved.count === 0) return 0;
    for (const statement of fold.statements) await tx.unsafe(statement);
    return moved.count;
  })) as number;
}
