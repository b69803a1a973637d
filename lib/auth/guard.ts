import "server-only";
import { forbidden, redirect } from "next/navigation";
import { authorize, type AccessRequest } from "./gate";
import type { Action } from "./roles";
import type { TenantScope } from "@/db/tenant-scope";
import type { AccessProfile } from "./users";

export interface PageAccess {
  user: AccessProfile;
  scope: TenantScope;
}

/**
 * For pages: the gate's decision. Signed-out visitors go to the login page; a signed-in user
 * without the permission gets HTTP 403 and the "No access" page (app/forbidden.tsx), so the
 * page itself only ever renders for an allowed caller.
 */
export async function pageAccess(action: Action, access: AccessRequest): Promise<PageAccess> {
  const decision = await authorize(action, access);
  if (decision.allowed) return decision;
  if (!decision.user) redirect("/login");
  forbidden();
}
