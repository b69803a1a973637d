import type { Sql } from "postgres";

/**
 * Writes one large synthetic trace straight into `spans` and `traces` (one INSERT … SELECT
 * over generate_series, as fast as COPY for this shape), for the waterfall's tests and
 * benchmark: a tree of the given fan-out, children starting after their parent and ending
 * within it, six services, an error every 97th span, an event every 50th, a link now and
 * then. Span ids are spread over the signed 64-bit range like real ones.
 */
export interface SyntheticTrace {
  tenant: string;
  /** 32 hex digits. */
  traceId: string;
  spans: number;
  fanout?: number;
  start?: Date;
  requestId?: string;
  /** Job spans (every 5th) outlive their parents by up to 10 ms, as enqueued work does. */
  asyncJobs?: boolean;
}

export const SYNTHETIC_SERVICES = ["edge-gateway", "web-api", "accounts-service", "billing-service", "search-service", "job-worker"];

/** Span i's id: a bijection of i modulo a 32-bit prime, scaled over the signed range. */
function spanIdSql(sql: Sql, i: ReturnType<Sql>) {
  return sql`(((${i})::bigint * 2654435761) % 4294967291 - 2147483648) * 2147483648 + 1 + (${i}) % 1000`;
}

export async function insertSyntheticTrace(sql: Sql, trace: SyntheticTrace): Promise<void> {
  const fanout = trace.fanout ?? 6;
  const start = trace.start ?? new Date(Date.now() - 60_000);
  const uuid = trace.traceId.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
  const requestId = trace.requestId ?? `req_${trace.traceId.slice(0, 12)}`;
  const day = start.toISOString().slice(0, 10);
  await sql`SELECT ensure_span_partitions(${day}::date, (${day}::date + 1))`;
  await sql`
    INSERT INTO resources (tenant_id, id, attributes)
    SELECT ${trace.tenant}::text, 900 + i, jsonb_build_object('service.name', (${SYNTHETIC_SERVICES}::text[])[i + 1], 'host.name', 'synthetic-' || i)
    FROM generate_series(0, ${SYNTHETIC_SERVICES.length - 1}) i
    ON CONFLICT DO NOTHING`;
  // Span i's parent is (i - 1) / fanout; span i starts at i × 10 µs and lasts until
  // spans × 10 µs minus its depth, so every child starts after its parent and ends inside it.
  await sql`
    WITH g AS (
      SELECT i, ${spanIdSql(sql, sql`i`)} AS id,
             CASE WHEN i = 0 THEN NULL ELSE ${spanIdSql(sql, sql`(i - 1) / ${fanout}::int`)} END AS pid,
             floor(ln(i * (${fanout}::int - 1) + 1) / ln(${fanout}::int))::int AS depth
      FROM generate_series(0, ${trace.spans - 1}) i
    )
    INSERT INTO spans (tenant_id, trace_id, span_id, parent_span_id, request_id, service, name, kind, start_time,
                       duration_ns, status_code, status_message, attributes, events, links, resource_id)
    SELECT ${trace.tenant}::text, ${uuid}::uuid, id, pid, ${requestId}::text, (${SYNTHETIC_SERVICES}::text[])[1 + i % 6],
           CASE WHEN i = 0 THEN 'GET /synthetic' ELSE (ARRAY['SELECT orders', 'HTTP GET', 'render', 'cache get', 'process job'])[1 + i % 5] || ' #' || (i % 200) END,
           CASE WHEN i = 0 THEN 2 WHEN i % 5 = 4 THEN 5 ELSE 3 END,
           ${start}::timestamptz + i * interval '10 microseconds',
           (((${trace.spans}::int - i) * 10 - depth)::bigint * 1000
            + CASE WHEN ${trace.asyncJobs ?? false}::boolean AND i % 5 = 4 THEN (i % 1000) * 10000 ELSE 0 END)::bigint,
           CASE WHEN i % 97 = 5 THEN 2 ELSE 0 END,
           CASE WHEN i % 97 = 5 THEN 'synthetic failure ' || i END,
           jsonb_build_object('tenant.id', ${trace.tenant}::text, 'request.id', ${requestId}::text, 'synthetic.index', i,
                              'db.statement', 'SELECT * FROM orders WHERE id = ' || (i % 1000))
             || CASE WHEN i % 5 = 4 THEN jsonb_build_object('job.id', 'job_' || i, 'job.name', 'reindex', 'job.attempt', 1) ELSE '{}'::jsonb END,
           CASE WHEN i % 50 = 1 THEN jsonb_build_array(jsonb_build_object('name', 'checkpoint',
             'timeUnixNano', ((extract(epoch FROM ${start}::timestamptz) * 1000000 + i * 10 + 3) * 1000)::bigint::text,
             'attributes', jsonb_build_object('step', i))) ELSE '[]'::jsonb END,
           CASE WHEN i % 1000 = 7 THEN jsonb_build_array(jsonb_build_object('traceId', ${trace.traceId}::text,
             'spanId', lpad(to_hex(${spanIdSql(sql, sql`0`)}), 16, '0'), 'attributes', '{}'::jsonb))
             ELSE '[]'::jsonb END,
           900 + i % 6
    FROM g`;
  await sql`
    INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, root_span_id, root_service, root_name,
                        root_duration_ns, request_id, span_count, error_count, services, has_error)
    SELECT tenant_id, trace_id, min(start_time), max(start_time + duration_ns * interval '1 microsecond' / 1000),
           (extract(epoch FROM max(start_time + duration_ns * interval '1 microsecond' / 1000) - min(start_time)) * 1e9)::bigint,
           min(span_id) FILTER (WHERE parent_span_id IS NULL), ${SYNTHETIC_SERVICES[0]!}::text, 'GET /synthetic',
           (array_agg(duration_ns ORDER BY span_id) FILTER (WHERE parent_span_id IS NULL))[1], ${requestId}::text,
           count(*), count(*) FILTER (WHERE status_code = 2), ${[...SYNTHETIC_SERVICES].sort()}, bool_or(status_code = 2)
    FROM spans WHERE tenant_id = ${trace.tenant}::text AND trace_id = ${uuid}::uuid
    GROUP BY tenant_id, trace_id`;
}
