import "server-only";
import { redirect } from "next/navigation";
import { authorize, type AccessRequest } from "./gate";
import type { Action } from "./roles";
import type { TenantScope } from "./scope";
import type { AccessProfile } from "./users";

export type PageAccess = { allowed: true; user: AccessProfile; scope: TenantScope } | { allowed: false; user: AccessProfile };

/** For pages: the gate's decision; signed-out visitors go to the login page. */
export async function pageAccess(action: Action, access: AccessRequest): Promise<PageAccess> {
  const decision = await authorize(action, access);
  if (decision.allowed) return decision;
  if (!decision.user) redirect("/login");
  return { allowed: false, user: decision.user };
}
