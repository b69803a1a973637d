import type { Sql } from "@/db/connect";

export interface HistoryTenant {
  id: string;
  retentionDays: number;
  keptRetentionDays: number;
  legalHold?: boolean;
  /** Days back (0 = today) that have traffic; default every day of the history. */
  days?: number;
}

export const HISTORY_DAYS = 60;
const TRACES_PER_DAY = 6;

/**
 * Trace data spread over the last 60 days, written as ingest would leave it: a summary per
 * trace and three spans 30 minutes apart (so traces cross midnight into the next partition).
 * Every second trace is kept (error, slow or security). Starts are 6 hours off the day
 * boundaries of `now`, so no trace sits on a retention cutoff. Each trace has two log records
 * (one 45 minutes in, past its last span); each day also has a log record outside any trace
 * and one whose trace was never stored.
 */
export async function seedHistory(sql: Sql, now: Date, tenants: readonly HistoryTenant[]): Promise<void> {
  await sql`SELECT ensure_span_partitions((${now}::timestamptz AT TIME ZONE 'UTC')::date - ${HISTORY_DAYS + 2}::int, (${now}::timestamptz AT TIME ZONE 'UTC')::date + 1)`;
  await sql`SELECT ensure_log_partitions((${now}::timestamptz AT TIME ZONE 'UTC')::date - ${HISTORY_DAYS + 2}::int, (${now}::timestamptz AT TIME ZONE 'UTC')::date + 1)`;
  for (const t of tenants) {
    await sql`
      INSERT INTO tenants (id, name, retention_days, kept_retention_days, legal_hold)
      VALUES (${t.id}, ${`Tenant ${t.id}`}, ${t.retentionDays}, ${t.keptRetentionDays}, ${t.legalHold ?? false})`;
    await sql`INSERT INTO resources (tenant_id, id, attributes) VALUES (${t.id}, 1, '{"service.name":"api"}')`;
    await sql`
      INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, root_span_id, root_service, root_name,
                          span_count, error_count, services, has_error, is_slow, is_security)
      SELECT ${t.id}, gen_random_uuid(), s, s + interval '60 minutes 1 second', 3601000000000, 1, 'api', 'GET /',
             3, (i % 6 = 0)::int, '{api}', i % 6 = 0, i % 6 = 2, i % 6 = 4
      FROM generate_series(0, ${(t.days ?? HISTORY_DAYS) - 1}) AS d,
           generate_series(0, ${TRACES_PER_DAY - 1}) AS i,
           LATERAL (SELECT ${now}::timestamptz - make_interval(days => d, hours => 6, mins => i * 37) AS s) AS st`;
    await sql`
      INSERT INTO spans (tenant_id, trace_id, span_id, parent_span_id, service, name, start_time, duration_ns, resource_id)
      SELECT t.tenant_id, t.trace_id, k + 1, CASE WHEN k = 0 THEN NULL ELSE 1 END, 'api', 'op',
             t.start_time + make_interval(mins => k * 30), 1000000000, 1
      FROM traces t, generate_series(0, 2) AS k
      WHERE t.tenant_id = ${t.id}`;
    await sql`
      INSERT INTO log_records (tenant_id, time, record_id, body_type, body, resource_id, scope_id, trace_id)
      SELECT t.tenant_id, t.start_time + make_interval(mins => k * 45), ('x' || left(md5(t.trace_id::text || k), 16))::bit(64)::bigint,
             'string', '"in a trace"', 1, 1, t.trace_id
      FROM traces t, generate_series(0, 1) AS k
      WHERE t.tenant_id = ${t.id}`;
    await sql`
      INSERT INTO log_records (tenant_id, time, record_id, body_type, body, resource_id, scope_id, trace_id)
      SELECT ${t.id}, ${now}::timestamptz - make_interval(days => d, hours => 5), ('x' || left(md5(gen_random_uuid()::text), 16))::bit(64)::bigint,
             'string', '"alone"', 1, 1,
             CASE WHEN k = 1 THEN gen_random_uuid() END
      FROM generate_series(0, ${(t.days ?? HISTORY_DAYS) - 1}) AS d, generate_series(0, 1) AS k`;
    await sql`
      INSERT INTO ingest_counters (tenant_id, day, counter, value)
      SELECT ${t.id}, (${now}::timestamptz AT TIME ZONE 'UTC')::date - d::int, 'spans.stored', 18
      FROM generate_series(0, ${(t.days ?? HISTORY_DAYS) - 1}) AS d`;
  }
}

/**
 * What ADR-010 says must survive a purge at `now`: the traces inside their tenant's retention,
 * and the log records: those of a surviving trace, and the others inside the standard retention.
 */
export async function expectedSurvivors(sql: Sql, now: Date): Promise<{ traces: string[]; spans: number; logRecords: number }> {
  const rows = await sql<{ key: string; spans: number }[]>`
    SELECT t.tenant_id || '/' || t.trace_id AS key, t.span_count AS spans
    FROM traces t JOIN tenants n ON n.id = t.tenant_id
    WHERE n.legal_hold OR t.start_time >= ${now}::timestamptz - make_interval(days => CASE
      WHEN t.has_error OR t.is_slow OR t.is_security THEN n.kept_retention_days ELSE n.retention_days END)
    ORDER BY 1`;
  const survivors = new Set(rows.map((r) => r.key));
  // A log record of a stored trace shares its fate; any other is of the standard class.
  const [logs] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM log_records l JOIN tenants n ON n.id = l.tenant_id
    LEFT JOIN traces t ON t.tenant_id = l.tenant_id AND t.trace_id = l.trace_id
    WHERE n.legal_hold
       OR (t.trace_id IS NOT NULL AND l.tenant_id || '/' || l.trace_id = ANY(${[...survivors]}))
       OR (t.trace_id IS NULL AND l.time >= ${now}::timestamptz - make_interval(days => n.retention_days))`;
  return { traces: rows.map((r) => r.key), spans: rows.reduce((a, r) => a + r.spans, 0), logRecords: logs!.n };
}

export async function currentState(sql: Sql): Promise<{ traces: string[]; spans: number; orphanSpans: number; logRecords: number }> {
  const traces = await sql<{ key: string }[]>`SELECT tenant_id || '/' || trace_id AS key FROM traces ORDER BY 1`;
  const [spans] = await sql<{ n: number; orphans: number }[]>`
    SELECT count(*)::int AS n,
           count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM traces t WHERE t.tenant_id = s.tenant_id AND t.trace_id = s.trace_id))::int AS orphans
    FROM spans s`;
  const [logs] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM log_records`;
  return { traces: traces.map((r) => r.key), spans: spans!.n, orphanSpans: spans!.orphans, logRecords: logs!.n };
}
