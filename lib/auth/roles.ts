import type { UserRole } from "@/db/schema";

/** What a caller wants to do; each page and route names one. */
export type Action = "traces:read" | "audit:read" | "admin";

/** DESIGN.md's role table: trace data is for privileged roles only (ADR-012). */
const GRANTS: Record<UserRole, readonly Action[]> = {
  admin: ["traces:read", "audit:read", "admin"],
  investigator: ["traces:read"],
  tenant_viewer: ["traces:read"],
  auditor: ["audit:read"],
};

export const ROLE_LABELS: Record<UserRole, string> = {
  admin: "Admin",
  investigator: "Investigator",
  tenant_viewer: "Tenant viewer",
  auditor: "Auditor",
};

export function roleAllows(role: UserRole | null, action: Action): boolean {
  return role !== null && GRANTS[role].includes(action);
}

/** Roles that see every tenant; a tenant_viewer sees only the tenants assigned to them. */
export function seesAllTenants(role: UserRole | null): boolean {
  return role === "admin" || role === "investigator";
}
