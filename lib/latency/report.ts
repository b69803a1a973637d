import "server-only";
import type { TenantScope } from "@/db/tenant-scope";
import { withTenantScope } from "@/lib/db/scoped";
import type { LatencyFilters } from "./latency-params";
import { buildLatencyReport, operationOptions } from "./queries";
import type { LatencyReport } from "./types";

/**
 * Everything the /latency view shows, from the rollup only: percentiles, throughput and
 * error rate per step, the histogram and heatmap, operations against the previous period of
 * the same length, and the job views. Counts are re-weighted by sample weight.
 */
export async function latencyReport(scope: TenantScope, f: LatencyFilters): Promise<LatencyReport> {
  return withTenantScope(scope, (tx) => buildLatencyReport(tx, scope, f));
}

/** Services and operations seen in the window, for the filters; only the caller's tenants. */
export async function latencyOptions(scope: TenantScope, f: LatencyFilters): Promise<{ service: string; operation: string }[]> {
  return withTenantScope(scope, (tx) => operationOptions(tx, scope, f));
}
