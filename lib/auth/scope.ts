import type { TenantScope } from "@/db/tenant-scope";
import type { AccessProfile } from "./users";
import { seesAllTenants } from "./roles";

export function scopeOf(user: Pick<AccessProfile, "role" | "tenantIds">): TenantScope {
  return seesAllTenants(user.role) ? { all: true } : { all: false, tenantIds: user.tenantIds };
}
