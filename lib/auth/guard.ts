import "server-only";
import { redirect } from "next/navigation";
import { getCurrentUser } from "./current-user";
import { roleAllows, type Action } from "./roles";
import type { AccessProfile } from "./users";

export type PageAccess = { allowed: true; user: AccessProfile } | { allowed: false; user: AccessProfile };

/** For pages: signed-out users go to the login page; the rest learn whether they may act. */
export async function pageAccess(action: Action): Promise<PageAccess> {
  const user = await getCurrentUser();
  if (!user) redirect("/login");
  return { allowed: roleAllows(user.role, action), user };
}
