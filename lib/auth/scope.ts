import type { AccessProfile } from "./users";
import { seesAllTenants } from "./roles";

/** Which tenants' trace data a caller may read; every read in lib/traces takes one. */
export type TenantScope = { all: true } | { all: false; tenantIds: readonly string[] };

export function scopeOf(user: Pick<AccessProfile, "role" | "tenantIds">): TenantScope {
  return seesAllTenants(user.role) ? { all: true } : { all: false, tenantIds: user.tenantIds };
}
