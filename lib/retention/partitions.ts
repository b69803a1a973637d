import "server-only";
import type { Sql } from "@/db/connect";
import { PARTITIONS_AHEAD_DAYS } from "./policy";
import type { TenantPolicy } from "./tenants";

const DAY_MS = 86_400_000;
/**
 * The tables partitioned by day (spans by start, sealed segments by their first span's start,
 * sealed spans' investigate refs by the span's start, log records by time), and their partitions' names.
 */
export const DAILY_TABLES = {
  spans: /^spans_p(\d{4})(\d{2})(\d{2})$/,
  span_segments: /^span_segments_p(\d{4})(\d{2})(\d{2})$/,
  sealed_span_refs: /^sealed_span_refs_p(\d{4})(\d{2})(\d{2})$/,
  log_records: /^log_records_p(\d{4})(\d{2})(\d{2})$/,
} as const;
export type DailyTable = keyof typeof DAILY_TABLES;
/**
 * DDL on a partitioned table waits at most this long for a lock, so ingest and search queued
 * behind it wait no longer. At 2 s, a detach finishing behind a stalled download's transaction
 * held the soak's other users' ingest and search for most of a second (BENCHMARKS.md, session 9);
 * a detach that cannot have its lock this soon waits for the next run.
 */
const DDL_LOCK_TIMEOUT = "200ms";

export interface DayPartition {
  table: DailyTable;
  name: string;
  /** The first instant after the partition's day (its range's upper bound). */
  end: Date;
  attached: boolean;
  detachPending: boolean;
}

function endOf(table: DailyTable, name: string): Date | null {
  const m = DAILY_TABLES[table].exec(name);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + DAY_MS) : null;
}

/**
 * Daily partitions of `table` made by ensure_span_partitions (ensure_log_partitions), attached
 * or not: a run cut off between detaching and dropping leaves a detached table (or a pending
 * detach) that the next run finishes.
 */
export async function listDayPartitions(sql: Sql, table: DailyTable): Promise<DayPartition[]> {
  const rows = await sql<{ name: string; attached: boolean; detach_pending: boolean }[]>`
    SELECT c.relname AS name, i.inhrelid IS NOT NULL AS attached, coalesce(i.inhdetachpending, false) AS detach_pending
    FROM pg_class c
    JOIN pg_namespace ns ON ns.oid = c.relnamespace AND ns.nspname = current_schema()
    LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND i.inhparent = ${table}::regclass
    WHERE c.relkind = 'r' AND c.relname ~ ${`^${table}_p[0-9]{8}$`}
    ORDER BY c.relname`;
  return rows.flatMap((r) => {
    const end = endOf(table, r.name);
    return end ? [{ table, name: r.name, end, attached: r.attached, detachPending: r.detach_pending }] : [];
  });
}

/** The span partitions (listDayPartitions). */
export const listSpanPartitions = (sql: Sql) => listDayPartitions(sql, "spans");

// Partition names are interpolated into SQL only after matching DAILY_TABLES (spans_pYYYYMMDD,
// log_records_pYYYYMMDD), and table names are DAILY_TABLES' keys.

/** The tenants with rows in a partition, by a loose index scan of its primary key (tenant first). */
async function tenantsIn(sql: Sql, partition: string): Promise<string[]> {
  const rows = await sql.unsafe<{ tenant_id: string }[]>(`
    WITH RECURSIVE t(tenant_id) AS (
      (SELECT tenant_id FROM ONLY "${partition}" ORDER BY tenant_id LIMIT 1)
      UNION ALL
      SELECT (SELECT tenant_id FROM ONLY "${partition}" WHERE tenant_id > t.tenant_id ORDER BY tenant_id LIMIT 1)
      FROM t WHERE t.tenant_id IS NOT NULL
    )
    SELECT tenant_id FROM t WHERE tenant_id IS NOT NULL`);
  return rows.map((r) => r.tenant_id);
}

/**
 * A partition may go when every row in it is past its tenant's longest retention: its day
 * ended before the tenant's kept-trace cutoff (a span never starts before its trace, and a log
 * record is kept at most as long as a kept trace). A tenant on legal hold with a single row in
 * it keeps the whole partition.
 */
export async function isDroppable(sql: Sql, partition: DayPartition, tenants: ReadonlyMap<string, TenantPolicy>): Promise<boolean> {
  for (const tenantId of await tenantsIn(sql, partition.name)) {
    const tenant = tenants.get(tenantId);
    if (!tenant) continue;
    if (tenant.legalHold || partition.end > tenant.keptCutoff) return false;
  }
  return true;
}

/**
 * The spans (of a segment partition: the spans its segments hold) or log records in a
 * partition, by tenant. A refs partition holds no spans of its own (its spans are in segments).
 */
export async function countByTenant(sql: Sql, partition: Pick<DayPartition, "table" | "name">): Promise<Map<string, number>> {
  if (partition.table === "sealed_span_refs") return new Map();
  const n = partition.table === "span_segments" ? "sum(span_count)" : "count(*)";
  const rows = await sql.unsafe<{ tenant_id: string; n: number }[]>(
    `SELECT tenant_id, ${n}::int AS n FROM ONLY "${partition.name}" GROUP BY tenant_id`,
  );
  return new Map(rows.map((r) => [r.tenant_id, r.n]));
}

/**
 * Detaches without blocking ingest (CONCURRENTLY takes only a SHARE UPDATE EXCLUSIVE lock on
 * the partitioned table) and drops the detached table, which nothing reads any more. A detach
 * cut off half-way is finished with FINALIZE. "held-up" when a reader stands in the way: the
 * caller tries again in a later run.
 */
export async function detachAndDrop(sql: Sql, partition: DayPartition): Promise<"dropped" | "held-up"> {
  if (partition.attached) {
    // FINALIZE takes the partition's ACCESS EXCLUSIVE lock first and then waits for every older
    // snapshot: behind a long reader (a stalled download) it held every query of that day for
    // the whole lock timeout, the soak's slowest answers under its adversary.
    if (partition.detachPending && (await longTransactionOpen(sql))) return "held-up";
    await sql.unsafe(`SET lock_timeout = '${DDL_LOCK_TIMEOUT}'`);
    try {
      const mode = partition.detachPending ? "FINALIZE" : "CONCURRENTLY";
      await sql.unsafe(`ALTER TABLE ${partition.table} DETACH PARTITION "${partition.name}" ${mode}`);
    } catch (cause) {
      if ((cause as { code?: string }).code === "55P03") return "held-up";
      throw cause;
    } finally {
      await sql.unsafe(`RESET lock_timeout`);
    }
  }
  await sql.unsafe(`DROP TABLE IF EXISTS "${partition.name}"`);
  return "dropped";
}

/**
 * A client transaction of this database open for over a second with a snapshot, which a detach
 * would wait for. Sessions of the runtime role (every app reader) are visible to it; another
 * role's are not, and a FINALIZE behind one waits its lock timeout as before.
 */
async function longTransactionOpen(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ open: boolean }[]>`
    SELECT EXISTS (
      SELECT 1 FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
        AND backend_xmin IS NOT NULL AND xact_start < clock_timestamp() - interval '1 second') AS open`;
  return row!.open;
}

/** Puts back a detached partition that may not go (a legal hold placed since it was detached). */
export async function reattach(sql: Sql, partition: DayPartition): Promise<void> {
  const start = new Date(partition.end.getTime() - DAY_MS).toISOString();
  await sql.unsafe(`ALTER TABLE ${partition.table} ATTACH PARTITION "${partition.name}" FOR VALUES FROM ('${start}') TO ('${partition.end.toISOString()}')`);
}

export async function ensurePartitionsAhead(sql: Sql, now: Date): Promise<number> {
  const today = now.toISOString().slice(0, 10);
  const last = new Date(now.getTime() + PARTITIONS_AHEAD_DAYS * DAY_MS).toISOString().slice(0, 10);
  const [row] = await sql<{ created: number }[]>`
    SELECT ensure_span_partitions(${today}::date, ${last}::date) + ensure_log_partitions(${today}::date, ${last}::date) AS created`;
  return row?.created ?? 0;
}
