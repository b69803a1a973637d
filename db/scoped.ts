import "server-only";
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/lib/auth/scope";
import { getSql } from "./client";

/**
 * Runs trace reads as the dashboard's reader role with the caller's tenants set for this
 * transaction only (`set_config(..., true)`), so a pooled connection never carries a scope
 * over to the next request. Queries still filter by tenant themselves: two layers.
 */
export async function withTenantScope<T>(scope: TenantScope, fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
  const result = await getSql().begin(async (tx) => {
    await tx`SET LOCAL ROLE te_reader`;
    await tx`SELECT set_config('app.all_tenants', ${scope.all ? "on" : "off"}, true),
                    set_config('app.tenant_ids', ${scope.all ? "" : scope.tenantIds.join(",")}, true)`;
    return fn(tx);
  });
  return result as T;
}
