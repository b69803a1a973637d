import { actionOfPath } from "./navigation";
import { roleAllows } from "./roles";
import { scopeOf } from "./scope";
import type { AccessProfile } from "./users";

export interface TenantRefusal {
  /** Tenants the address asks for that the user's scope does not include. */
  tenants: string[];
  /** The same address without them. */
  href: string;
}

/**
 * Why a page was refused, when it is the tenants and not the role: the role allows the section
 * but the address names tenants outside the user's scope (the gate's rule, lib/auth/gate.ts).
 * Null when the role is the reason, or the address is unknown.
 */
export function tenantRefusal(user: Pick<AccessProfile, "role" | "tenantIds">, pageUrl: string | null): TenantRefusal | null {
  if (!pageUrl?.startsWith("/")) return null;
  const url = new URL(pageUrl, "http://page.invalid");
  const action = actionOfPath(url.pathname);
  const scope = scopeOf(user);
  if (!action || !roleAllows(user.role, action) || scope.all) return null;
  const asked = url.searchParams.getAll("tenant");
  const tenants = [...new Set(asked.filter((t) => !scope.tenantIds.includes(t)))];
  if (tenants.length === 0) return null;
  url.searchParams.delete("tenant");
  for (const t of asked) if (!tenants.includes(t)) url.searchParams.append("tenant", t);
  url.searchParams.delete("_rsc");
  return { tenants, href: `${url.pathname}${url.search}` };
}
