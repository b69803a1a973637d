/** Which tenants' trace data a caller may read; every read in lib/traces takes one. */
export type TenantScope = { all: true } | { all: false; tenantIds: readonly string[] };
