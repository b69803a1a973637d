import "server-only";
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/db/tenant-scope";
import { withTenantScope } from "@/lib/db/scoped";
import { errorsByTenant, type TenantErrors } from "./errors";
import { findLineage, type LineageTrace } from "./lineage";
import { retryLoops, type RetryLoop } from "./retries";
import type { InvestigateFilters } from "./investigate-params";
import { slowRequests, type SlowRequest } from "./slow";
import { tenantFilter } from "./tenant-filter";

export type InvestigateResult =
  | { view: "errors"; tenants: TenantErrors[] }
  | { view: "retries"; loops: RetryLoop[] }
  | { view: "slow"; requests: SlowRequest[] }
  | { view: "lineage"; traces: LineageTrace[] | null };

/** One view's answer inside a transaction already scoped to the caller's tenants. */
export async function runView(tx: TransactionSql, scope: TenantScope, filters: InvestigateFilters): Promise<InvestigateResult> {
  const tenants = tenantFilter(scope, filters.tenants);
  const window = filters.window;
  switch (filters.view) {
    case "errors":
      return { view: "errors", tenants: await errorsByTenant(tx, tenants, window, filters.q) };
    case "retries":
      return { view: "retries", loops: await retryLoops(tx, tenants, window, filters.n) };
    case "slow":
      return { view: "slow", requests: await slowRequests(tx, tenants, window, { rank: filters.rank }) };
    case "lineage":
      return { view: "lineage", traces: filters.id ? await findLineage(tx, tenants, window, filters.id) : null };
  }
}

/** The view the filters ask for, read under the caller's tenant scope (row-level security). */
export function investigate(scope: TenantScope, filters: InvestigateFilters): Promise<InvestigateResult> {
  return withTenantScope(scope, (tx) => runView(tx, scope, filters));
}
