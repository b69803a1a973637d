import type { TransactionSql } from "postgres";
import type { Sql } from "@/db/connect";

/**
 * Maintains `span_rollup` (db/schema-rollup.ts), the per-minute latency rollup the latency
 * views read instead of spans. Ingest folds in the spans its transaction really inserted;
 * the demo seed, which writes with COPY, rebuilds the minutes it wrote from the spans.
 */

const PRODUCER = 4;
const CONSUMER = 5;

// A span kept by head sampling at ratio r (lib/tracing writes sampling.ratio) stands for 1/r
// spans; otherwise its trace's weight, which tail sampling at rest raises for kept traces.
const weightOf = (a: string, traceWeight: string) => `
  CASE WHEN jsonb_typeof(${a} -> 'sampling.ratio') = 'number'
        AND (${a} ->> 'sampling.ratio')::float8 > 0 AND (${a} ->> 'sampling.ratio')::float8 <= 1
       THEN 1 / (${a} ->> 'sampling.ratio')::float8 ELSE coalesce(${traceWeight}, 1) END`;

const isRetry = (a: string) => `(jsonb_typeof(${a} -> 'job.attempt') = 'number' AND (${a} ->> 'job.attempt')::float8 > 1)`;

/** A job's first attempt: its queue wait is enqueue (the producer span's end) to worker start. */
const isFirstAttempt = (c: string) => `(${c}.kind = ${CONSUMER} AND ${c}.attributes ? 'job.name' AND NOT ${isRetry(`${c}.attributes`)})`;

const epochNs = (t: string) => `((extract(epoch FROM ${t}) * 1000000)::bigint * 1000)`;

const waitNs = (c: string, p: string) => `greatest(0, ${epochNs(`${c}.start_time`)} - ${epochNs(`${p}.start_time`)} - ${p}.duration_ns)`;

const KEY = "tenant_id, grain, minute, service, operation, kind, job_name";

/** The grains kept (db/schema-rollup.ts): per operation by minute, hour and six hours, per tenant by quarter hour. */
const GRAINS = [
  { minutes: 1, perOperation: true },
  { minutes: 60, perOperation: true },
  { minutes: 360, perOperation: true },
  { minutes: 15, perOperation: false },
] as const;
type Grain = (typeof GRAINS)[number];

/** The key columns of a span's row at a grain, in KEY order. */
const keyOf = (g: Grain, jobName: string) =>
  `tenant_id, ${g.minutes}::smallint AS grain, date_bin('${g.minutes} minutes', start_time, 'epoch') AS minute, ` +
  (g.perOperation
    ? `service, name AS operation, kind, ${jobName} AS job_name`
    : `'' AS service, '' AS operation, 0::smallint AS kind, '' AS job_name`);

/**
 * Aggregates `src` (spans with their weight) and `waits` (first attempts with their queue
 * wait) into rollup rows and adds them to the stored ones. Rows are written in key order so
 * concurrent requests lock shared rows in the same order.
 */
const upsert = (g: Grain, src: string, waits: string) => `
  WITH src AS (${src}),
  waits AS (${waits}),
  span_buckets AS (
    SELECT ${keyOf(g, "coalesce(attributes ->> 'job.name', '')")}, rollup_bucket(duration_ns) AS b,
           count(*) AS n, count(*) FILTER (WHERE status_code = 2) AS e,
           count(*) FILTER (WHERE ${isRetry("attributes")}) AS r, sum(duration_ns) AS d,
           sum(weight) AS w, coalesce(sum(weight) FILTER (WHERE status_code = 2), 0) AS we,
           coalesce(sum(weight) FILTER (WHERE ${isRetry("attributes")}), 0) AS wr, sum(weight * duration_ns) AS wd
    FROM src GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
  ), span_rows AS (
    SELECT ${KEY}, sum(n)::bigint AS n, sum(e)::bigint AS e, sum(r)::bigint AS r, sum(d)::bigint AS d,
           sum(w) AS w, sum(we) AS we, sum(wr) AS wr, sum(wd) AS wd,
           array_agg(b ORDER BY b) AS buckets, array_agg(w ORDER BY b) AS weights
    FROM span_buckets GROUP BY ${KEY}
  ), wait_buckets AS (
    SELECT ${keyOf(g, "attributes ->> 'job.name'")}, rollup_bucket(wait_ns) AS b,
           count(*) AS n, sum(wait_ns) AS d, sum(weight) AS w
    FROM waits GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
  ), wait_rows AS (
    SELECT ${KEY}, sum(n)::bigint AS wn, sum(d)::bigint AS wd_ns, sum(w) AS ww,
           array_agg(b ORDER BY b) AS wait_buckets, array_agg(w ORDER BY b) AS wait_weights
    FROM wait_buckets GROUP BY ${KEY}
  )
  INSERT INTO span_rollup AS r (${KEY}, span_count, error_count, retry_count, duration_sum_ns, weighted_count,
                                weighted_errors, weighted_retries, weighted_duration_ns, buckets, weights,
                                wait_count, wait_sum_ns, wait_weighted, wait_buckets, wait_weights)
  SELECT ${KEY}, coalesce(n, 0), coalesce(e, 0), coalesce(r, 0), coalesce(d, 0), coalesce(w, 0), coalesce(we, 0),
         coalesce(wr, 0), coalesce(wd, 0), coalesce(buckets, '{}'), coalesce(weights, '{}'),
         coalesce(wn, 0), coalesce(wd_ns, 0), coalesce(ww, 0), coalesce(wait_buckets, '{}'), coalesce(wait_weights, '{}')
  FROM span_rows FULL JOIN wait_rows USING (${KEY})
  ORDER BY ${KEY}
  ON CONFLICT (${KEY}) DO UPDATE SET
    span_count = r.span_count + EXCLUDED.span_count,
    error_count = r.error_count + EXCLUDED.error_count,
    retry_count = r.retry_count + EXCLUDED.retry_count,
    duration_sum_ns = r.duration_sum_ns + EXCLUDED.duration_sum_ns,
    weighted_count = r.weighted_count + EXCLUDED.weighted_count,
    weighted_errors = r.weighted_errors + EXCLUDED.weighted_errors,
    weighted_retries = r.weighted_retries + EXCLUDED.weighted_retries,
    weighted_duration_ns = r.weighted_duration_ns + EXCLUDED.weighted_duration_ns,
    buckets = rollup_merge_buckets(r.buckets, EXCLUDED.buckets),
    weights = rollup_merge_weights(r.buckets, r.weights, EXCLUDED.buckets, EXCLUDED.weights),
    wait_count = r.wait_count + EXCLUDED.wait_count,
    wait_sum_ns = r.wait_sum_ns + EXCLUDED.wait_sum_ns,
    wait_weighted = r.wait_weighted + EXCLUDED.wait_weighted,
    wait_buckets = rollup_merge_buckets(r.wait_buckets, EXCLUDED.wait_buckets),
    wait_weights = rollup_merge_weights(r.wait_buckets, r.wait_weights, EXCLUDED.wait_buckets, EXCLUDED.wait_weights)`;

const SPAN_FIELDS = "s.tenant_id, s.trace_id, s.span_id, s.parent_span_id, s.service, s.name, s.kind, s.start_time, s.duration_ns, s.status_code, s.attributes";
const CONSUMER_FIELDS = (c: string) =>
  `${c}.tenant_id, ${c}.service, ${c}.name, ${c}.kind, ${c}.start_time, ${c}.attributes`;

/**
 * The spans this transaction inserted: the staged ones (a retried export stages spans that
 * were already stored) whose row version this transaction wrote. Deduplicated by key, since
 * a request may repeat a span.
 */
const INSERTED_NOW = `
  SELECT ${SPAN_FIELDS}, t.sample_weight AS trace_weight, ${weightOf("s.attributes", "t.sample_weight")} AS weight
  FROM (SELECT DISTINCT tenant_id, trace_id, span_id, start_time FROM pg_temp.ingest_spans) i
  JOIN spans s ON s.tenant_id = i.tenant_id AND s.trace_id = i.trace_id AND s.span_id = i.span_id AND s.start_time = i.start_time
  LEFT JOIN traces t ON t.tenant_id = s.tenant_id AND t.trace_id = s.trace_id
  WHERE s.xmin = pg_current_xact_id()::xid`;

/**
 * Queue waits that became known in this transaction, each once: a new first attempt whose
 * producer is stored (now or before), or a new producer whose first attempt was stored before.
 */
const WAITS_NOW = `
  SELECT ${CONSUMER_FIELDS("c")}, c.weight, ${waitNs("c", "p")} AS wait_ns
  FROM src c JOIN spans p ON p.tenant_id = c.tenant_id AND p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
  WHERE ${isFirstAttempt("c")} AND p.kind = ${PRODUCER}
  UNION ALL
  SELECT ${CONSUMER_FIELDS("c")}, ${weightOf("c.attributes", "p.trace_weight")}, ${waitNs("c", "p")}
  FROM src p JOIN spans c ON c.tenant_id = p.tenant_id AND c.trace_id = p.trace_id AND c.parent_span_id = p.span_id
  WHERE p.kind = ${PRODUCER} AND ${isFirstAttempt("c")} AND c.xmin <> pg_current_xact_id()::xid`;

// The inserted spans and their queue waits are looked up once per transaction into session
// temp tables (emptied at commit, like the staging table), and every grain reads those: joining
// spans once per grain cost ingest about 60% of its throughput (BENCHMARKS.md, Ingest).
const WAITS_OF_STAGED = `WITH src AS (SELECT * FROM pg_temp.rollup_src) ${WAITS_NOW}`;
const CREATE_ROLLUP_STAGING = [
  `CREATE TEMP TABLE IF NOT EXISTS rollup_src ON COMMIT DELETE ROWS AS ${INSERTED_NOW} WITH NO DATA`,
  `CREATE TEMP TABLE IF NOT EXISTS rollup_waits ON COMMIT DELETE ROWS AS ${WAITS_OF_STAGED} WITH NO DATA`,
];
const FILL_ROLLUP_STAGING = [`INSERT INTO pg_temp.rollup_src ${INSERTED_NOW}`, `INSERT INTO pg_temp.rollup_waits ${WAITS_OF_STAGED}`];
const ROLLUP_INSERTED = GRAINS.map((g) => upsert(g, "SELECT * FROM pg_temp.rollup_src", "SELECT * FROM pg_temp.rollup_waits"));

/**
 * Folds the spans the ingest transaction inserted from its staging table into the rollup.
 * Call after the staged spans were moved, in the same transaction: a retried export inserts
 * nothing and so adds nothing.
 */
export async function rollupInsertedSpans(tx: TransactionSql): Promise<void> {
  // Pipelined, in order: one round trip for the lookup and every grain.
  await Promise.all([
    ...CREATE_ROLLUP_STAGING.map((statement) => tx.unsafe(statement)),
    ...[...FILL_ROLLUP_STAGING, ...ROLLUP_INSERTED].map((statement) => tx.unsafe(statement, [], { prepare: true })),
  ]);
}

const SPANS_SINCE = `
  SELECT ${SPAN_FIELDS}, t.sample_weight AS trace_weight, ${weightOf("s.attributes", "t.sample_weight")} AS weight
  FROM spans s LEFT JOIN traces t ON t.tenant_id = s.tenant_id AND t.trace_id = s.trace_id
  WHERE s.start_time >= $1`;

const WAITS_SINCE = `
  SELECT ${CONSUMER_FIELDS("c")}, c.weight, ${waitNs("c", "p")} AS wait_ns
  FROM src c JOIN spans p ON p.tenant_id = c.tenant_id AND p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
  WHERE ${isFirstAttempt("c")} AND p.kind = ${PRODUCER}`;

const REBUILD_SINCE = GRAINS.map((g) => upsert(g, SPANS_SINCE, WAITS_SINCE));

/**
 * Recomputes every rollup minute from `from` on out of the stored spans: for writers that
 * bypass ingest (the demo seed's COPY). The table lock holds ingest's rollup writes until the
 * rebuild commits, so a span is neither missed nor counted twice.
 */
export async function rebuildRollupSince(sql: Sql, from: Date): Promise<void> {
  // From a whole day, so every grain's periods are recomputed whole.
  const day = new Date(Math.floor(from.getTime() / 86_400_000) * 86_400_000);
  await sql.begin(async (tx) => {
    await tx`LOCK TABLE span_rollup IN EXCLUSIVE MODE`;
    await tx`DELETE FROM span_rollup WHERE minute >= ${day}`;
    for (const statement of REBUILD_SINCE) await tx.unsafe(statement, [day]);
  });
}
