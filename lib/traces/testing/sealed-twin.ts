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

/**
 * Marks a trace (or, without an id, every trace of the tenant) quiet for an hour and queues it
 * for the sealer, as ingest or tail sampling would have: due for the next seal.
 */
export async function makeQuiet(sql: Sql, tenant: string, traceUuid?: string): Promise<void> {
  const which = traceUuid === undefined ? sql`true` : sql`trace_id = ${traceUuid}::uuid`;
  await sql`UPDATE traces SET updated_at = now() - interval '1 hour' WHERE tenant_id = ${tenant} AND ${which}`;
  await sql`
    INSERT INTO trace_seal_pending (tenant_id, trace_id, queued_at)
    SELECT tenant_id, trace_id, now() - interval '1 hour' FROM traces WHERE tenant_id = ${tenant} AND ${which}
    ON CONFLICT DO NOTHING`;
}
