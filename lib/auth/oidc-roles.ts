import { userRole, type UserRole } from "@/db/schema";
import type { OidcConfig } from "./oidc-config";
import { roleAllows, seesAllTenants, type Action } from "./roles";

const ACTIONS: readonly Action[] = ["traces:read", "audit:read", "admin"];

/**
 * Whether role `a` allows nothing that role `b` does not: no action b lacks, and no wider
 * tenant scope (an investigator sees all tenants, a tenant viewer only assigned ones).
 */
export function roleWithin(a: UserRole | null, b: UserRole | null): boolean {
  if (a === null) return true;
  if (b === null) return false;
  return ACTIONS.every((action) => !roleAllows(a, action) || roleAllows(b, action)) && (!seesAllTenants(a) || seesAllTenants(b));
}

export type ClaimedRole = { present: false } | { present: true; role: UserRole | null; values: string[] };

/**
 * The role an ID token claims, through the configured claim (a string or a list, e.g. groups).
 * Several values: the first role in the order admin, investigator, tenant_viewer, auditor.
 * Values the map does not know count as no role. No claim configured or none in the token: no
 * information, nothing changes.
 */
export function claimedRole(claims: Record<string, unknown>, config: Pick<OidcConfig, "roleClaim" | "roleMap">): ClaimedRole {
  if (!config.roleClaim) return { present: false };
  const raw = claims[config.roleClaim];
  const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === "string").slice(0, 100);
  if (raw === undefined || values.length === 0) return { present: false };
  const mapped = new Set<UserRole | null>(
    values.map((value) =>
      config.roleMap.size > 0 ? (config.roleMap.get(value) ?? null) : (userRole.enumValues as readonly string[]).includes(value) ? (value as UserRole) : null,
    ),
  );
  return { present: true, role: userRole.enumValues.find((role) => mapped.has(role)) ?? null, values };
}

export type RoleDecision =
  | { kind: "keep" }
  /** The claim takes rights away: the database record is lowered to it. */
  | { kind: "lower"; role: UserRole | null }
  /** The claim asks for rights the database does not grant: refused, the database role stays. */
  | { kind: "refuse"; claimed: UserRole | null };

/**
 * The identity provider may take rights away, never give them: a claimed role within the
 * database's is written to the database (so revoking in the IdP bites at the next sign-in);
 * one that would grant more is refused. Every request reads the role from the database.
 */
export function decideRole(granted: UserRole | null, claimed: ClaimedRole): RoleDecision {
  if (!claimed.present || claimed.role === granted) return { kind: "keep" };
  return roleWithin(claimed.role, granted) ? { kind: "lower", role: claimed.role } : { kind: "refuse", claimed: claimed.role };
}
