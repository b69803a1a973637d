import "server-only";
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/lib/auth/scope";
import { getSql } from "./client";
import { enterReaderScope } from "./reader-scope";

/**
 * Runs trace reads under the reader role and the caller's tenant scope (row-level security).
 * Queries still filter by tenant themselves: two layers.
 */
export async function withTenantScope<T>(scope: TenantScope, fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
  const result = await getSql().begin(async (tx) => {
    await enterReaderScope(tx, scope);
    return fn(tx);
  });
  return result as T;
}
