import "server-only";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import type { TenantScope } from "@/db/tenant-scope";

/** The tenants a view reads: those picked in the filter, else the caller's whole scope. */
export type TenantFilter = { all: true } | { all: false; tenantIds: readonly string[] };

export function tenantFilter(scope: TenantScope, picked: readonly string[]): TenantFilter {
  if (picked.length > 0) {
    // The gate already refused tenants outside the scope; intersecting again keeps this safe alone.
    return { all: false, tenantIds: scope.all ? [...picked] : picked.filter((t) => scope.tenantIds.includes(t)) };
  }
  return scope.all ? { all: true } : { all: false, tenantIds: [...scope.tenantIds] };
}

/** `column = ANY(tenants)`, or true for every tenant: the SQL half of the two isolation layers. */
export function tenantCondition(tx: TransactionSql, column: string, filter: TenantFilter): PendingQuery<Row[]> {
  return filter.all ? tx`true` : tx`${tx(column)} = ANY(${filter.tenantIds as string[]}::text[])`;
}

/** A half-open window [from, to). */
export interface Window {
  from: Date;
  to: Date;
}
