import "server-only";
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/lib/auth/scope";
import type { Sql } from "./connect";
import { getSql } from "./client";
import { enterReaderScope } from "./reader-scope";

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
