import path from "node:path";
import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { makeDb } from "./connect";

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/** Applies every committed migration in order; safe to run at each start. */
export async function runMigrations(url: string): Promise<void> {
  // One connection, so the advisory lock is held by the session that migrates.
  const db = makeDb(url, { max: 1, applicationName: "trace-explorer-migrate" });
  try {
    // Serialise concurrent starts against the same database.
    await db.$client`SELECT pg_advisory_lock(7420001)`;
    await migrate(db, { migrationsFolder });
  } finally {
    await db.$client.end({ timeout: 5 });
  }
}
