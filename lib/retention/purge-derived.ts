import "server-only";
import type { Sql } from "@/db/connect";
import { unpackStraddlingHours } from "@/lib/ingest/derivations/pack-minutes";
import { MINUTE_ROLLUPS } from "@/lib/latency/packed-minutes";
import { DERIVED_TABLES, FIXED_AGE_TABLES } from "./derived-tables";
import type { BatchOptions } from "./purge-traces";
import { lockedTransaction } from "./transaction";
import type { TenantPolicy } from "./tenants";

const DAY_MS = 86_400_000;
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function ident(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain identifier: ${name}`);
  return `"${name}"`;
}

/** Deletes rows matching `where` a batch at a time; (tableoid, ctid) also works on partitioned tables. */
async function deleteInBatches(sql: Sql, table: string, where: string, params: unknown[], options: BatchOptions): Promise<number> {
  const statement = `
    DELETE FROM ${ident(table)} WHERE (tableoid, ctid) IN (
      SELECT tableoid, ctid FROM ${ident(table)} WHERE ${where} LIMIT ${Number(options.batchSize)})`;
  let total = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    const result = await lockedTransaction(sql, (tx) => tx.unsafe(statement, params as never[]));
    total += result.count;
    if (result.count < options.batchSize) return total;
  }
}

/** One tenant's expired rows in every derived table, by the class each table follows. */
export async function purgeDerived(sql: Sql, tenant: TenantPolicy, options: BatchOptions): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const d of DERIVED_TABLES) {
    const cutoff = d.retention === "standard" ? tenant.standardCutoff : tenant.keptCutoff;
    // An hour row deleted by its start takes its packed minutes along: those from the cutoff on become rows first.
    const packed = MINUTE_ROLLUPS.find((r) => r.table === d.table);
    if (packed) await lockedTransaction(sql, (tx) => unpackStraddlingHours(tx, packed, tenant.id, cutoff));
    const n = await deleteInBatches(sql, d.table, `${ident(d.tenantColumn)} = $1 AND ${ident(d.timeColumn)} < $2`, [tenant.id, cutoff], options);
    if (n > 0) counts[d.table] = n;
  }
  for (const table of SHARED_BY_SPANS) {
    const n = await purgeUnused(sql, table, tenant, options);
    if (n > 0) counts[table] = n;
  }
  return counts;
}

/** Rows spans refer to by id, stored once per tenant, each with its latest span day. */
const SHARED_BY_SPANS = ["resources", "scopes"] as const;

/**
 * A tenant's resources (or scopes) whose latest span started on a UTC day before the kept-trace
 * cutoff's: every span stored with them has expired (a trace starts no later than its spans,
 * and kept traces are kept longest), so nothing refers to them, and service suggestions, which
 * read resources, stop listing services with no spans left. Ingest moves the day forward under
 * a row lock before it stores a span (lib/ingest/traces/store.ts), so a row in use is never purged.
 */
function purgeUnused(sql: Sql, table: (typeof SHARED_BY_SPANS)[number], tenant: TenantPolicy, options: BatchOptions): Promise<number> {
  return deleteInBatches(sql, table, `tenant_id = $1 AND last_span_day < ($2::timestamptz AT TIME ZONE 'UTC')::date`, [tenant.id, tenant.keptCutoff], options);
}

/** Tables with one retention for everyone (run records, isolation violations). */
export async function purgeFixedAge(sql: Sql, now: Date, options: BatchOptions): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const f of FIXED_AGE_TABLES) {
    const cutoff = new Date(now.getTime() - f.days * DAY_MS);
    const n = await deleteInBatches(sql, f.table, `${ident(f.timeColumn)} < $1`, [cutoff], options);
    if (n > 0) counts[f.table] = n;
  }
  return counts;
}
