import "server-only";
import type { TransactionSql } from "postgres";
import type { Sql } from "@/db/connect";
import { enterReaderScope } from "@/db/reader-scope";
import type { TenantScope } from "@/db/tenant-scope";
import { getSql } from "./client";

/**
 * Runs trace reads under the reader role and the caller's tenant scope (row-level security).
 * Queries still filter by tenant themselves: two layers. On the app's pool unless given another.
 */
export async function withTenantScope<T>(scope: TenantScope, fn: (tx: TransactionSql) => Promise<T>, sql: Sql = getSql()): Promise<T> {
  const result = await sql.begin(async (tx) => {
    await enterReaderScope(tx, scope);
    return fn(tx);
  });
  return result as T;
}
