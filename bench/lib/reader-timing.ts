import type { TransactionSql } from "postgres";
import type { Sql } from "../../db/connect";
import { enterReaderScope } from "../../db/reader-scope";
import type { TenantScope } from "../../db/tenant-scope";
import { percentile } from "../../lib/latency/percentile";

/**
 * p50 and p95 of `fn` as a whole reader transaction (BEGIN, SET ROLE and scope, the query,
 * COMMIT), the way the pages and the API run it, after `warmup` untimed runs.
 */
export async function timeReader(sql: Sql, scope: TenantScope, fn: (tx: TransactionSql) => Promise<unknown>, runs: number, warmup: number) {
  const samples: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const started = performance.now();
    await sql.begin(async (tx) => {
      await enterReaderScope(tx, scope);
      await fn(tx);
    });
    if (i >= warmup) samples.push(performance.now() - started);
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}
