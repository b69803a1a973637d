import type { Sql } from "postgres";

/**
 * Readers of sealed traces are tested against a twin: the same rows copied into tenant "twin"
 * and never sealed, whose answers are the reference for the sealed tenant's.
 */

/** Copies `from`'s rows of `table` matching `where` (trusted SQL) into tenant `to`, every column as it is. */
export async function copyToTenant(sql: Sql, table: string, where: string, from: string, to: string): Promise<void> {
  await sql.unsafe(
    `INSERT INTO ${table} SELECT (jsonb_populate_record(NULL::${table}, to_jsonb(x) || jsonb_build_object('tenant_id', $2::text))).*
     FROM ${table} x WHERE x.tenant_id = $1 AND ${where}`,
    [from, to],
  );
}

/** Marks a trace quiet for an hour, so the sealer takes it. */
export async function makeQuiet(sql: Sql, tenant: string, traceUuid: string): Promise<void> {
  await sql`UPDATE traces SET updated_at = now() - interval '1 hour' WHERE tenant_id = ${tenant} AND trace_id = ${traceUuid}::uuid`;
}
