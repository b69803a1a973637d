import "server-only";
import type { TenantScope } from "@/db/tenant-scope";
import { withTenantScope } from "@/lib/db/scoped";
import { buildServiceMap } from "./queries";
import type { ServiceMapFilters } from "./service-map-params";
import type { ServiceMap } from "./types";

/** The /services map from the service map rollup only, in the caller's tenant scope. */
export async function serviceMap(scope: TenantScope, f: ServiceMapFilters): Promise<ServiceMap> {
  return withTenantScope(scope, (tx) => buildServiceMap(tx, scope, f));
}
