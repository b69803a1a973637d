import { readFileSync } from "node:fs";
import type postgres from "postgres";

/** The outbox table's DDL as shipped in the package (`@trace-explorer/tracing/sql/outbox.sql`). */
export function outboxSchemaSql(): string {
  return readFileSync(new URL("../sql/outbox.sql", import.meta.url), "utf8");
}

/**
 * Creates the `outbox_events` table and its indexes where they are missing, in one
 * transaction, for a service without migrations of its own. A service with migrations copies
 * sql/outbox.sql into them instead.
 */
export async function applyOutboxSchema(sql: postgres.Sql): Promise<void> {
  await sql.begin((tx) => tx.unsafe(outboxSchemaSql()).simple());
}
