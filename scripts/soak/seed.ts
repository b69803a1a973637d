import { connect, makeDb } from "../../db/connect";
import type { UserRole } from "../../db/schema";
import { createUser } from "../../e2e/fixtures/db";
import { createIngestKey } from "../../lib/ingest/otlp-http/keys";
import type { SoakUser } from "./users";

/** Tenants the exporters write; keep_ratio 1, so tail sampling keeps every trace to count. */
export const SOAK_TENANTS = ["soak-a", "soak-b", "soak-c"] as const;
/** A tenant whose spans are made expired before the soak: the purge must remove all of them. */
export const EXPIRED_TENANT = "soak-expired";

export interface Seeded {
  keys: Map<string, string>;
  platformKey: string;
  users: SoakUser[];
}

const ROLES: { role: UserRole; tenants?: string[] }[] = [
  { role: "admin" },
  { role: "tenant_viewer", tenants: ["soak-a"] },
  { role: "investigator" },
];

export async function seedSoak(databaseUrl: string, userCount: number): Promise<Seeded> {
  const sql = connect(databaseUrl, { max: 1, applicationName: "trace-explorer-soak-seed" });
  const db = makeDb(databaseUrl, { max: 1, applicationName: "trace-explorer-soak-seed" });
  try {
    for (const id of [...SOAK_TENANTS, EXPIRED_TENANT]) {
      await sql`INSERT INTO tenants (id, name, retention_days, kept_retention_days, keep_ratio) VALUES (${id}, ${id}, 7, 30, 1)`;
    }
    const keys = new Map<string, string>();
    for (const id of SOAK_TENANTS) keys.set(id, (await createIngestKey(db, { tenantId: id, name: `soak ${id}` })).key);
    const platformKey = (await createIngestKey(db, { tenantId: null, name: "soak collector" })).key;
    const users: SoakUser[] = [];
    for (let i = 0; i < userCount; i++) {
      const { role, tenants } = ROLES[i % ROLES.length]!;
      const user = { email: `soak-${i}-${role.replace("_", "-")}@soak.test`, password: `soak-password-${i}-long-enough`, tenants };
      await createUser(sql, { ...user, role });
      users.push(user);
    }
    return { keys, platformKey, users };
  } finally {
    await sql.end();
    await db.$client.end();
  }
}

/** Shortens the expired tenant's retention to one day, so its five-day-old spans are due for the purge. */
export async function expireTenant(databaseUrl: string): Promise<number> {
  const sql = connect(databaseUrl, { max: 1, applicationName: "trace-explorer-soak-seed" });
  try {
    await sql`UPDATE tenants SET retention_days = 1, kept_retention_days = 1 WHERE id = ${EXPIRED_TENANT}`;
    const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM spans WHERE tenant_id = ${EXPIRED_TENANT}`;
    return row!.n;
  } finally {
    await sql.end();
  }
}
