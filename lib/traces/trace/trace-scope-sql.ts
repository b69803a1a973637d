import "server-only";
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/db/tenant-scope";

/** The explicit tenant filter on `t` (traces), the layer that stands beside row-level security. */
export function tenantFilter(tx: TransactionSql, scope: TenantScope) {
  return scope.all ? tx`true` : tx`t.tenant_id = ANY(${scope.tenantIds as string[]})`;
}
