import type { TransactionSql } from "postgres";
import type { TenantScope } from "./tenant-scope";

/**
 * Switches a transaction to the dashboard's reader role and sets the caller's tenants for
 * this transaction only (`set_config(..., true)`), which the row-level security policies
 * read; a pooled connection never carries a scope over to the next transaction.
 */
export async function enterReaderScope(tx: TransactionSql, scope: TenantScope): Promise<void> {
  await tx`SET LOCAL ROLE te_reader`;
  await tx`SELECT set_config('app.all_tenants', ${scope.all ? "on" : "off"}, true),
                  set_config('app.tenant_ids', ${scope.all ? "" : scope.tenantIds.join(",")}, true)`;
}
