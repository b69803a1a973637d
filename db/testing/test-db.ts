import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import type { TransactionSql } from "postgres";
import type { TenantScope } from "../tenant-scope";
import { connect, makeDb, type Db, type Sql } from "../connect";
import { enterReaderScope } from "../reader-scope";

export const TEMPLATE_DATABASE = "te_template";

export interface TestDatabase {
  url: string;
  sql: Sql;
  db: Db;
  /** Runs `fn` in a transaction as the dashboard reads: te_reader, scoped to `scope`'s tenants. */
  asReader: <T>(scope: TenantScope, fn: (tx: TransactionSql) => Promise<T>) => Promise<T>;
  drop: () => Promise<void>;
}

const TEMPLATE_BUSY = "55006";

/**
 * A fresh, migrated database for one test file: cloned from the template the global setup
 * migrated, so tests never see each other's rows.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("pgAdminUrl");
  const name = `test_${randomBytes(6).toString("hex")}`;
  const admin = connect(adminUrl, { max: 1 });
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
  const sql = connect(url, { max: 5 });
  const db = makeDb(url, { max: 2 });
  return {
    url,
    sql,
    db,
    asReader: <T>(scope: TenantScope, fn: (tx: TransactionSql) => Promise<T>) =>
      sql.begin(async (tx) => {
        await enterReaderScope(tx, scope);
        return fn(tx);
      }) as Promise<T>,
    drop: async () => {
      await sql.end({ timeout: 5 });
      await db.$client.end({ timeout: 5 });
      const cleanup = connect(adminUrl, { max: 1 });
      await cleanup.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
