import "server-only";
import type { TenantScope } from "@/db/tenant-scope";
import { withTenantScope } from "@/lib/db/scoped";

export interface TenantOption {
  id: string;
  name: string;
}

/** The tenants a caller may pick in a tenant filter; a tenant_viewer learns of no other. */
export async function tenantsInScope(scope: TenantScope): Promise<TenantOption[]> {
  return withTenantScope(scope, (tx) => tx<TenantOption[]>`
    SELECT id, name FROM tenants
    WHERE ${scope.all ? tx`true` : tx`id = ANY(${scope.tenantIds as string[]})`}
    ORDER BY id`);
}
