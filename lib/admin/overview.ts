import "server-only";
import { asc, sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { tenants, users, userTenantScopes } from "@/db/schema";

export async function listTenants() {
  return getDb().select().from(tenants).orderBy(asc(tenants.id));
}

export async function listUsers() {
  return getDb()
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      disabled: users.disabled,
      tenantIds: sql<string[]>`coalesce(array_agg(${userTenantScopes.tenantId} ORDER BY ${userTenantScopes.tenantId}) FILTER (WHERE ${userTenantScopes.tenantId} IS NOT NULL), '{}')`,
    })
    .from(users)
    .leftJoin(userTenantScopes, sql`${userTenantScopes.userId} = ${users.id}`)
    .groupBy(users.id)
    .orderBy(asc(users.email));
}
