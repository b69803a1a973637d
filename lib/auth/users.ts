import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { users, userTenantScopes } from "@/db/schema";
import type { UserRole } from "@/db/schema";

export async function findUserForSignIn(email: string) {
  const [user] = await getDb().select().from(users).where(eq(users.email, email)).limit(1);
  return user;
}

export interface AccessProfile {
  id: string;
  email: string;
  name: string;
  role: UserRole | null;
  /** Tenants assigned to the user; meaningful for tenant_viewer. */
  tenantIds: string[];
}

/** The user's current role and scope, or null when the account is gone or disabled. */
export async function loadAccessProfile(userId: string): Promise<AccessProfile | null> {
  const db = getDb();
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user || user.disabled) return null;
  const scopes = await db
    .select({ tenantId: userTenantScopes.tenantId })
    .from(userTenantScopes)
    .where(eq(userTenantScopes.userId, userId))
    .orderBy(userTenantScopes.tenantId);
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    tenantIds: scopes.map((s) => s.tenantId),
  };
}
