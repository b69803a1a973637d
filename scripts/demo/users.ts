import { randomBytes } from "node:crypto";
import type { Sql } from "../../db/connect";
import { hashPassword } from "../../lib/auth/password";
import type { UserRole } from "../../db/schema";

export interface DemoLogin {
  email: string;
  password: string;
  role: UserRole;
  tenants: string[];
}

/**
 * One demo user per role, with generated passwords. Only the demo seed calls this, and only
 * on a database it created; the passwords exist in plain text nowhere but the returned list.
 */
export async function createDemoUsers(sql: Sql, viewerTenants: [string, string]): Promise<DemoLogin[]> {
  const logins: DemoLogin[] = [
    { email: "admin@demo.test", password: "", role: "admin", tenants: [] },
    { email: "investigator@demo.test", password: "", role: "investigator", tenants: [] },
    { email: "viewer@demo.test", password: "", role: "tenant_viewer", tenants: [...viewerTenants] },
    { email: "auditor@demo.test", password: "", role: "auditor", tenants: [] },
  ];
  for (const login of logins) login.password = randomBytes(12).toString("base64url");
  const hashes = await Promise.all(logins.map((l) => hashPassword(l.password)));

  await sql.begin(async (tx) => {
    for (const [i, login] of logins.entries()) {
      const name = `Demo ${login.role.replace("_", " ")}`;
      const [user] = await tx<{ id: string }[]>`
        INSERT INTO users (email, name, password_hash, role)
        VALUES (${login.email}, ${name}, ${hashes[i]!}, ${login.role})
        ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role, disabled = false
        RETURNING id`;
      for (const tenant of login.tenants) {
        await tx`INSERT INTO user_tenant_scopes (user_id, tenant_id) VALUES (${user!.id}, ${tenant}) ON CONFLICT DO NOTHING`;
      }
    }
  });
  return logins;
}
