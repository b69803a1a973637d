import type { Sql } from "@/db/connect";
import type { UserRole } from "@/db/schema";
import { hashPassword } from "../password";

/**
 * A user who signs in with `password` in this role, scoped to at least these tenants (an
 * existing one gets the password and role back and is enabled again): the people of the
 * browser tests and the soak test.
 */
export async function createUser(
  sql: Sql,
  user: { email: string; password: string; role: UserRole | null; tenants?: string[] },
): Promise<void> {
  const hash = await hashPassword(user.password);
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO users (email, name, password_hash, role) VALUES (${user.email}, ${user.email.split("@")[0]!}, ${hash}, ${user.role})
    ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role, disabled = false
    RETURNING id`;
  for (const tenant of user.tenants ?? []) {
    await sql`INSERT INTO user_tenant_scopes (user_id, tenant_id) VALUES (${row!.id}, ${tenant}) ON CONFLICT DO NOTHING`;
  }
}
