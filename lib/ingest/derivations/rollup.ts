import "server-only";
import type { Sql } from "@/db/connect";
import { SpanKind } from "@/db/span-codec/kind-and-status";
import { keyColumns, mergeOnConflict, SPAN_ROLLUP, storedColumns } from "@/lib/latency/packed-minutes";
import { epochNs } from "../traces/sql-time";
import { foldDeltas, type DeltaFold } from "./fold-deltas";
import { holdSealers, loadSealedSpans, WITH_SEALED } from "./sealed-spans";

/**
 * Maintains `span_rollup` (db/schema-rollup.ts), the latency rollup the latency views read
 * instead of spans. Ingest writes the minute rows of the spans it inserted to
 * `span_rollup_delta` (rollup-delta.ts) and `foldRollupDeltas` merges them into every
 * grain; the demo seed, which writes with COPY, rebuilds the periods it wrote from the spans.
 */

// A span kept by head sampling at ratio r (the tracing library writes sampling.ratio) stands for 1/r
// spans; otherwise its trace's weight, which tail sampling at rest raises for kept traces.
export const weightOf = (a: string, traceWeight: string) => `
  CASE WHEN jsonb_typeof(${a} -> 'sampling.ratio') = 'number'
        AND (${a} ->> 'sampling.ratio')::float8 > 0 AND (${a} ->> 'sampling.ratio')::float8 <= 1
       THEN 1 / (${a} ->> 'sampling.ratio')::float8 ELSE coalesce(${traceWeight}, 1) END`;

const isRetry = (a: string) => `(jsonb_typeof(${a} -> 'job.attempt') = 'number' AND (${a} ->> 'job.attempt')::float8 > 1)`;

/** A job's first attempt: its queue wait is enqueue (the producer span's end) to worker start. */
const isFirstAttempt = (c: string) => `(${c}.kind = ${SpanKind.Consumer} AND ${c}.attributes ? 'job.name' AND NOT ${isRetry(`${c}.attributes`)})`;


const waitNs = (c: string, p: string) => `greatest(0, ${epochNs(`${c}.start_time`)} - ${epochNs(`${p}.start_time`)} - ${p}.duration_ns)`;

const KEY = keyColumns(SPAN_ROLLUP).join(", ");

/** The grains kept (db/schema-rollup.ts): per operation by minute, hour and six hours, per tenant by quarter hour. */
const GRAINS = [
  { minutes: 1, perOperation: true },
  { minutes: 60, perOperation: true },
  { minutes: 360, perOperation: true },
  { minutes: 15, perOperation: false },
] as const;
type Grain = (typeof GRAINS)[number];

/** Where a source keeps the key's time, operation and job name. */
interface KeySource {
  time: string;
  operation: string;
  jobName: string;
}

const SPAN_KEY: KeySource = { time: "start_time", operation: "name", jobName: "coalesce(attributes ->> 'job.name', '')" };
const DELTA_KEY: KeySource = { time: "minute", operation: "operation", jobName: "job_name" };

/** The key columns of a source row's row at a grain, in KEY order. */
const keyOf = (g: Grain, k: KeySource) =>
  `tenant_id, ${g.minutes}::smallint AS grain, date_bin('${g.minutes} minutes', ${k.time}, 'epoch') AS minute, ` +
  (g.perOperation
    ? `service, ${k.operation} AS operation, kind, ${k.jobName} AS job_name`
    : `'' AS service, '' AS operation, 0::smallint AS kind, '' AS job_name`);

const COLUMNS = storedColumns(SPAN_ROLLUP).join(", ");

/** Adds rows (in COLUMNS order, sorted by key so concurrent writers lock shared rows in one order) to the stored ones. */
const MERGE = mergeOnConflict(SPAN_ROLLUP);

/** Aggregates `src` (spans with their weight) and `waits` (first attempts with their queue wait) into rollup rows. */
const upsert = (g: Grain, src: string, waits: string) => `
  WITH src AS (${src}),
  waits AS (${waits}),
  span_buckets AS (
    SELECT ${keyOf(g, SPAN_KEY)}, rollup_bucket(duration_ns) AS b,
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
    SELECT ${keyOf(g, SPAN_KEY)}, rollup_bucket(wait_ns) AS b,
           count(*) AS n, sum(wait_ns) AS d, sum(weight) AS w
    FROM waits GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
  ), wait_rows AS (
    SELECT ${KEY}, sum(n)::bigint AS wn, sum(d)::bigint AS wd_ns, sum(w) AS ww,
           array_agg(b ORDER BY b) AS wait_buckets, array_agg(w ORDER BY b) AS wait_weights
    FROM wait_buckets GROUP BY ${KEY}
  )
  INSERT INTO span_rollup AS r (${COLUMNS})
  SELECT ${KEY}, coalesce(n, 0), coalesce(e, 0), coalesce(r, 0), coalesce(d, 0), coalesce(w, 0), coalesce(we, 0),
         coalesce(wr, 0), coalesce(wd, 0), coalesce(buckets, '{}'), coalesce(weights, '{}'),
         coalesce(wn, 0), coalesce(wd_ns, 0), coalesce(ww, 0), coalesce(wait_buckets, '{}'), coalesce(wait_weights, '{}')
  FROM span_rows FULL JOIN wait_rows USING (${KEY})
  ORDER BY ${KEY}
  ${MERGE}`;

const SPAN_FIELDS = "s.tenant_id, s.trace_id, s.span_id, s.parent_span_id, s.service, s.name, s.kind, s.start_time, s.duration_ns, s.status_code, s.attributes";
const CONSUMER_FIELDS = (c: string) => `${c}.tenant_id, ${c}.service, ${c}.name, ${c}.kind, ${c}.start_time, ${c}.attributes`;

/** Spans from $1 on, of `spans` or of `spans` with the sealed ones (sealed-spans.ts). */
const spansSince = (spans: string) => `
  SELECT ${SPAN_FIELDS}, t.sample_weight AS trace_weight, ${weightOf("s.attributes", "t.sample_weight")} AS weight
  FROM ${spans} s LEFT JOIN traces t ON t.tenant_id = s.tenant_id AND t.trace_id = s.trace_id
  WHERE s.start_time >= $1`;

const waitsSince = (spans: string) => `
  SELECT ${CONSUMER_FIELDS("c")}, c.weight, ${waitNs("c", "p")} AS wait_ns
  FROM src c JOIN ${spans} p ON p.tenant_id = c.tenant_id AND p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
  WHERE ${isFirstAttempt("c")} AND p.kind = ${SpanKind.Producer}`;

const rebuildSince = (spans: string) => GRAINS.map((g) => upsert(g, spansSince(spans), waitsSince(spans)));
/** Statements over rows only, as before sealing existed, and over rows and sealed spans. */
const REBUILD_SINCE = { rows: rebuildSince("spans"), sealed: rebuildSince(WITH_SEALED) };

/**
 * Recomputes every rollup minute from `from` on out of the stored spans, rows and sealed: for writers that
 * bypass ingest (the demo seed's COPY). Locking the rollup and its deltas holds ingest's delta
 * writes (and so its commits) and the folder until the rebuild commits, so a span is neither
 * missed nor counted twice; deltas of the rebuilt period are dropped, the rebuild counts them.
 */
export async function rebuildRollupSince(sql: Sql, from: Date): Promise<void> {
  // From a whole day, so every grain's periods are recomputed whole.
  const day = new Date(Math.floor(from.getTime() / 86_400_000) * 86_400_000);
  await sql.begin(async (tx) => {
    await holdSealers(tx);
    await tx`LOCK TABLE span_rollup, span_rollup_delta IN EXCLUSIVE MODE`;
    await tx`DELETE FROM span_rollup_delta WHERE minute >= ${day}`;
    await tx`DELETE FROM span_rollup WHERE minute >= ${day}`;
    const statements = (await loadSealedSpans(tx, day)) ? REBUILD_SINCE.sealed : REBUILD_SINCE.rows;
    for (const statement of statements) await tx.unsafe(statement, [day]);
  });
}

/** Sums of delta rows per key of a grain, histograms merged bucket by bucket. */
const foldGrain = (g: Grain) => {
  const key = keyOf(g, DELTA_KEY);
  const hist = (buckets: string, weights: string) => `
    SELECT ${KEY}, array_agg(b ORDER BY b) AS buckets, array_agg(w ORDER BY b) AS weights
    FROM (SELECT ${KEY}, b, sum(w) AS w
          FROM (SELECT ${key}, ${buckets}, ${weights} FROM folding) f, unnest(${buckets}, ${weights}) AS u(b, w)
          GROUP BY ${KEY}, b) cells
    GROUP BY ${KEY}`;
  return `
  WITH keyed AS (SELECT ${key}, span_count, error_count, retry_count, duration_sum_ns, weighted_count, weighted_errors,
                        weighted_retries, weighted_duration_ns, wait_count, wait_sum_ns, wait_weighted FROM folding),
  totals AS (
    SELECT ${KEY}, sum(span_count)::bigint AS n, sum(error_count)::bigint AS e, sum(retry_count)::bigint AS r,
           sum(duration_sum_ns)::bigint AS d, sum(weighted_count) AS w, sum(weighted_errors) AS we, sum(weighted_retries) AS wr,
           sum(weighted_duration_ns) AS wd, sum(wait_count)::bigint AS wn, sum(wait_sum_ns)::bigint AS wd_ns, sum(wait_weighted) AS ww
    FROM keyed GROUP BY ${KEY}
  ), spans_hist AS (${hist("buckets", "weights")}),
  waits_hist AS (${hist("wait_buckets", "wait_weights")})
  INSERT INTO span_rollup AS r (${COLUMNS})
  SELECT ${KEY}, n, e, r, d, w, we, wr, wd, coalesce(s.buckets, '{}'), coalesce(s.weights, '{}'),
         wn, wd_ns, ww, coalesce(q.buckets, '{}'), coalesce(q.weights, '{}')
  FROM totals LEFT JOIN spans_hist s USING (${KEY}) LEFT JOIN waits_hist q USING (${KEY})
  ORDER BY ${KEY}
  ${MERGE}`;
};

const FOLD: DeltaFold = { lock: SPAN_ROLLUP.lock, delta: "span_rollup_delta", folding: "folding", statements: GRAINS.map(foldGrain) };

/** Merges the committed rows of `span_rollup_delta` into every grain of `span_rollup` (foldDeltas); returns how many. */
export function foldRollupDeltas(sql: Sql): Promise<number> {
  return foldDeltas(sql, FOLD);
}
