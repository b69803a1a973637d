import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { TEMPLATE_DATABASE } from "./global-setup";

export interface TestDatabase {
  url: string;
  sql: postgres.Sql;
  drop: () => Promise<void>;
}

const TEMPLATE_BUSY = "55006";

/** A database of the test file's own, cloned from the template: the outbox table and nothing else. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("tracingPgAdminUrl");
  const name = `test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DATABASE}"`);
        break;
      } catch (error) {
        // Two files cloning the template at the same instant collide; the clone is quick.
        if ((error as { code?: string }).code !== TEMPLATE_BUSY || attempt > 50) throw error;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  } finally {
    await admin.end();
  }
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  const sql = postgres(url, { max: 5, onnotice: () => {} });
  return {
    url,
    sql,
    drop: async () => {
      await sql.end({ timeout: 5 });
      const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
