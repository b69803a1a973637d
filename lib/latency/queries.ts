import "server-only";
// Takes the caller's transaction (already in their reader scope), so the page, the API, the
// tests and bench/latency.ts run the very same queries; lib/latency/report.ts opens the scope.
import type { PendingQuery, Row, TransactionSql } from "postgres";
import type { TenantScope } from "@/db/tenant-scope";
import { displayLowerNs, displayUpperNs } from "./buckets";
import type { LatencyFilters } from "./latency-params";
import { SPAN_ROLLUP } from "./packed-minutes";
import { histogramTexts, pieceRows, rollupColumns, rollupTenantFilter, withinRollupRetention } from "./rollup-sql";
import { addHistogramText, emptyHistogram, type MergedHistogram, quantileBucketOf } from "./merged-histogram";
import { cumulative, displayBucket, middleNs, quantileBucket } from "./sql-quantiles";
import { chartGrains, coverWindow, HOUR_GRAIN, OPERATION_GRAINS, type Piece, signedCover } from "./tiers";
import type { JobRow, LatencyReport, OperationRow, SeriesPoint } from "./types";

const QUANTILES = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 } as const;

/** A window of rollup rows, as the pieces covering it (lib/latency/tiers.ts), and whether it is the current period. */
interface Part {
  pieces: readonly Piece[];
  current?: boolean;
}

const part = (from: Date, to: Date, grains: readonly number[]): Part => ({ pieces: coverWindow(from, to, grains) });

/**
 * The rollup rows a view may read, as a subquery `r` with `cur` (current period or not) and
 * `sign` (-1 for a subtracted piece, which only the operations table reads): the
 * caller's tenants (two layers: this filter and RLS), the windows, and nothing older than
 * the tenant's standard retention (ADR-010), before or after the purge.
 */
function rollupRows(tx: TransactionSql, scope: TenantScope, f: LatencyFilters, parts: readonly Part[]) {
  const filters = tx`
    ${rollupTenantFilter(tx, scope, f.tenants, "r")}
    ${f.service ? tx`AND r.service = ${f.service}` : tx``}
    ${f.operation ? tx`AND r.operation = ${f.operation}` : tx``}`;
  const select = (p: Piece, current: boolean) => pieceRows(tx, SPAN_ROLLUP, p, tx`${current}::boolean AS cur, ${p.sign}::float8 AS sign`, filters);
  const selects = parts.flatMap((part) =>
    part.pieces.flatMap((p) => {
      const current = part.current ?? true;
      return p.grain > HOUR_GRAIN ? [select(p, current), straddlingHours(tx, p, current, filters)] : [select(p, current)];
    }),
  );
  const union =
    selects.length === 0 ? tx`SELECT ${rollupColumns(tx, SPAN_ROLLUP)}, true AS cur, 1::float8 AS sign FROM span_rollup r WHERE false` : selects.reduce((all, one) => tx`${all} UNION ALL ${one}`);
  return tx`(SELECT u.* FROM (${union}) u WHERE ${withinRollupRetention(tx, "u")}) r`;
}

/**
 * A block coarser than an hour that starts before its tenant's retention cutoff is hidden
 * whole, like every period straddling the cut (and the purge deletes it by its start); this
 * reads the hours of such blocks instead, so the cut stays at the hour as before. The upper
 * bound (the latest block any tenant's cutoff falls in) keeps the index range empty unless a
 * window reaches back to a cutoff.
 */
function straddlingHours(tx: TransactionSql, p: Piece, current: boolean, filters: PendingQuery<Row[]>) {
  const block = `${p.grain} minutes`;
  return tx`
    SELECT ${rollupColumns(tx, SPAN_ROLLUP)}, ${current}::boolean AS cur, ${p.sign}::float8 AS sign FROM span_rollup r
    WHERE r.grain = ${HOUR_GRAIN} AND r.minute >= ${p.from}
      AND r.minute < least(${p.to}::timestamptz, (SELECT date_bin(${block}::interval, max(now() - make_interval(days => retention_days)), 'epoch') + ${block}::interval FROM tenants))
      AND date_bin(${block}::interval, r.minute, 'epoch') < (SELECT now() - make_interval(days => c.retention_days) FROM tenants c WHERE c.id = r.tenant_id)
      ${filters}`;
}

/**
 * Merging histograms groups hundreds of thousands of (group, bucket) cells into a few tens of
 * thousands. The planner, which sees neither unnest's row count nor the RLS filter's
 * selectivity, sorts those cells (two to three times slower than hashing them, on disk at the
 * default work_mem) and loops over tenants rescanning every rollup row per tenant. For this
 * transaction only: hash in memory, join by hash.
 */
async function planForHistograms(tx: TransactionSql): Promise<void> {
  await tx`SELECT set_config('work_mem', '64MB', true), set_config('enable_sort', 'off', true), set_config('enable_nestloop', 'off', true)`;
}

const perStepQuantiles = (tx: TransactionSql) => tx`
  ${quantileBucket(tx, QUANTILES.p50)} AS p50, ${quantileBucket(tx, QUANTILES.p90)} AS p90,
  ${quantileBucket(tx, QUANTILES.p95)} AS p95, ${quantileBucket(tx, QUANTILES.p99)} AS p99`;

interface QuantileBuckets {
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
}

const quantiles = (q: QuantileBuckets | undefined) => ({
  p50: middleNs(q?.p50 ?? null),
  p90: middleNs(q?.p90 ?? null),
  p95: middleNs(q?.p95 ?? null),
  p99: middleNs(q?.p99 ?? null),
});

/**
 * Per step: totals, and from one pass over the histograms the step's quantiles ('step'
 * rows), the whole window's ('all', t null) and the display bands per step ('band').
 */
async function series(tx: TransactionSql, scope: TenantScope, f: LatencyFilters) {
  const stepS = f.stepMinutes * 60;
  const at = tx`to_timestamp(floor(extract(epoch FROM r.minute) / ${stepS}) * ${stepS})`;
  const grains = chartGrains(f.stepMinutes, !f.service && !f.operation);
  const rows = () => rollupRows(tx, scope, f, [part(f.range.from, f.range.to, grains)]);
  const [totals, figures] = await Promise.all([
    tx<{ t: Date; n: number; w: number; we: number }[]>`
      SELECT ${at} AS t, sum(r.span_count)::float8 AS n, sum(r.weighted_count) AS w, sum(r.weighted_errors) AS we
      FROM ${rows()} GROUP BY 1 ORDER BY 1`,
    tx<({ kind: "step" | "all"; t: Date | null; band: null; w: null } & QuantileBuckets | { kind: "band"; t: Date; band: number; w: number; p50: null; p90: null; p95: null; p99: null })[]>`
      WITH step_cells AS MATERIALIZED (
        SELECT t, b, sum(w) AS w
        FROM (SELECT ${at} AS t, unnest(r.buckets) AS b, unnest(r.weights) AS w FROM ${rows()}) u
        GROUP BY 1, 2
      ), steps AS (
        WITH cells AS (SELECT * FROM step_cells) SELECT t, ${perStepQuantiles(tx)} FROM (${cumulative(tx, tx`t`)}) c GROUP BY t
      ), overall AS (
        WITH cells AS (SELECT b, sum(w) AS w FROM step_cells GROUP BY b) SELECT ${perStepQuantiles(tx)} FROM (${cumulative(tx, tx`true`)}) c
      )
      SELECT 'step' AS kind, t, NULL::int AS band, NULL::float8 AS w, p50, p90, p95, p99 FROM steps
      UNION ALL
      SELECT 'all', NULL, NULL, NULL, p50, p90, p95, p99 FROM overall
      UNION ALL
      SELECT 'band', t, ${displayBucket(tx, tx`b`)}, sum(w), NULL, NULL, NULL, NULL FROM step_cells GROUP BY 2, 3`,
  ]);
  return { totals, figures };
}

interface OperationPeriod {
  service: string;
  operation: string;
  cur: boolean;
  spans: number;
  w: number;
  we: number;
  wd: number;
  histogram: MergedHistogram;
}

/**
 * Each period's pieces: subtracting pieces reads fewer rows (a rolling day's 43-minute edge is
 * its hour less 17 minutes), but is exact only when no piece starts before a tenant's
 * retention cut, which hides a period by its start and would leave its subtracted parts alone.
 */
async function operationParts(tx: TransactionSql, periods: { from: Date; to: Date; current: boolean }[]): Promise<Part[]> {
  const [latest] = await tx<{ cutoff: Date | null }[]>`SELECT max(now() - make_interval(days => retention_days)) AS cutoff FROM tenants`;
  const cutoff = latest?.cutoff ?? null;
  const signed = periods.map((p) => signedCover(p.from, p.to, OPERATION_GRAINS));
  const exact = signed.every((pieces) => pieces.every((p) => cutoff === null || p.from >= cutoff));
  return periods.map((p, i) => ({ current: p.current, pieces: exact ? signed[i]! : coverWindow(p.from, p.to, OPERATION_GRAINS) }));
}

export async function operationsReport(tx: TransactionSql, scope: TenantScope, f: LatencyFilters): Promise<OperationRow[]> {
  await planForHistograms(tx);
  const length = f.range.to.getTime() - f.range.from.getTime();
  const parts = await operationParts(tx, [
    { from: new Date(f.range.from.getTime() - length), to: f.range.from, current: false },
    { ...f.range, current: true },
  ]);
  // One row per operation, period and sign, its histograms concatenated as text and merged in
  // lib/latency/merged-histogram.ts: a rolling 24 h and the previous one hold ~400k cells,
  // which Postgres unnests and hashes about twice as slowly as it writes them out.
  const rows = await tx<{ service: string; operation: string; cur: boolean; sign: number; n: number; w: number; we: number; wd: number; buckets: string | null; weights: string | null }[]>`
    SELECT r.service, r.operation, r.cur, r.sign, sum(r.span_count)::float8 AS n,
           sum(r.weighted_count) AS w, sum(r.weighted_errors) AS we, sum(r.weighted_duration_ns) AS wd,
           ${histogramTexts(tx, "r")}
    FROM ${rollupRows(tx, scope, f, parts)} GROUP BY 1, 2, 3, 4`;
  const periods = new Map<string, OperationPeriod>();
  for (const r of rows) {
    const k = `${r.cur}\0${r.service}\0${r.operation}`;
    let p = periods.get(k);
    if (!p) periods.set(k, (p = { service: r.service, operation: r.operation, cur: r.cur, spans: 0, w: 0, we: 0, wd: 0, histogram: emptyHistogram() }));
    p.spans += r.sign * r.n;
    p.w += r.sign * r.w;
    p.we += r.sign * r.we;
    p.wd += r.sign * r.wd;
    if (r.buckets !== null && r.weights !== null) addHistogramText(p.histogram, r.buckets, r.weights, r.sign);
  }
  // Span counts are whole numbers: a period whose subtracted rows took all its spans is empty.
  const seen = [...periods.values()].filter((p) => p.spans > 0);
  const key = (r: { service: string; operation: string }) => `${r.service}\0${r.operation}`;
  const previous = new Map(seen.filter((p) => !p.cur).map((p) => [key(p), p]));
  const p95 = (p: OperationPeriod) => middleNs(quantileBucketOf(p.histogram, QUANTILES.p95));
  return seen
    .filter((p) => p.cur)
    .map((p) => {
      const prev = previous.get(key(p));
      return {
        service: p.service,
        operation: p.operation,
        count: p.w,
        p95Ns: p95(p),
        errorRate: p.w > 0 ? p.we / p.w : 0,
        totalNs: p.wd,
        previous: prev && prev.w > 0 ? { count: prev.w, p95Ns: p95(prev), errorRate: prev.we / prev.w, totalNs: prev.wd } : null,
      };
    });
}

/**
 * Per job name, of the jobs the filtered service ran (a worker's consumer spans carry its
 * service); the operation filter names a request or a job span and is not applied here.
 */
export async function jobsReport(tx: TransactionSql, scope: TenantScope, f: LatencyFilters): Promise<JobRow[]> {
  await planForHistograms(tx);
  const rows = () => rollupRows(tx, scope, { ...f, operation: null }, [part(f.range.from, f.range.to, OPERATION_GRAINS)]);
  const [totals, figures] = await Promise.all([
    tx<{ job: string; n: number; w: number; we: number; wr: number; wait_n: number }[]>`
      SELECT r.job_name AS job, sum(r.span_count)::float8 AS n, sum(r.weighted_count) AS w, sum(r.weighted_errors) AS we,
             sum(r.weighted_retries) AS wr, sum(r.wait_count)::float8 AS wait_n
      FROM ${rows()}
      WHERE r.job_name <> '' AND r.kind = 5 GROUP BY 1 ORDER BY 1`,
    tx<{ job: string; wait: boolean; weight: number; p50: number | null; p95: number | null }[]>`
      WITH cells AS (
        SELECT job, false AS wait, b, sum(w) AS w
        FROM (SELECT r.job_name AS job, unnest(r.buckets) AS b, unnest(r.weights) AS w FROM ${rows()} WHERE r.job_name <> '' AND r.kind = 5) u
        GROUP BY 1, 2, 3
        UNION ALL
        SELECT job, true, b, sum(w)
        FROM (SELECT r.job_name AS job, unnest(r.wait_buckets) AS b, unnest(r.wait_weights) AS w FROM ${rows()} WHERE r.job_name <> '' AND r.kind = 5) u
        GROUP BY 1, 2, 3
      )
      SELECT job, wait, max(total) AS weight, ${quantileBucket(tx, QUANTILES.p50)} AS p50, ${quantileBucket(tx, QUANTILES.p95)} AS p95
      FROM (${cumulative(tx, tx`job, wait`)}) c GROUP BY 1, 2`,
  ]);
  return totals.map((t) => {
    const run = figures.find((r) => r.job === t.job && !r.wait);
    const wait = figures.find((r) => r.job === t.job && r.wait);
    return {
      job: t.job,
      attempts: t.w,
      retries: t.wr,
      failures: t.we,
      runP50Ns: middleNs(run?.p50 ?? null),
      runP95Ns: middleNs(run?.p95 ?? null),
      waitP50Ns: middleNs(wait?.p50 ?? null),
      waitP95Ns: middleNs(wait?.p95 ?? null),
      waits: wait?.weight ?? 0,
    };
  });
}

/** latencyReport inside a transaction already in the caller's reader scope. */
export async function buildLatencyReport(tx: TransactionSql, scope: TenantScope, f: LatencyFilters): Promise<LatencyReport> {
  const [charts, operations, jobs] = await Promise.all([chartsReport(tx, scope, f), operationsReport(tx, scope, f), jobsReport(tx, scope, f)]);
  return { ...charts, operations, jobs };
}

/** The charts' figures: per-step percentiles, throughput and error rate, the histogram and the heatmap. */
export async function chartsReport(tx: TransactionSql, scope: TenantScope, f: LatencyFilters): Promise<Omit<LatencyReport, "operations" | "jobs">> {
  await planForHistograms(tx);
  const s = await series(tx, scope, f);
  const steps = new Map(s.figures.filter((r) => r.kind === "step").map((r) => [r.t!.getTime(), r]));
  const points: SeriesPoint[] = s.totals.map((r) => ({
    t: r.t.toISOString(),
    count: r.w,
    perMinute: r.w / f.stepMinutes,
    errorRate: r.w > 0 ? r.we / r.w : 0,
    ...quantiles(steps.get(r.t.getTime())),
  }));
  const bands = s.figures.filter((r) => r.kind === "band");
  const heatmap = bands.map((r) => ({ t: r.t.toISOString(), bucket: r.band, weight: r.w }));
  const bars = new Map<number, number>();
  for (const r of bands) bars.set(r.band, (bars.get(r.band) ?? 0) + r.w);
  const histogram = [...bars]
    .sort(([a], [b]) => a - b)
    .map(([bucket, weight]) => ({ bucket, lowerNs: displayLowerNs(bucket), upperNs: displayUpperNs(bucket), weight }));
  const spans = s.totals.reduce((a, r) => a + r.n, 0);
  const weighted = s.totals.reduce((a, r) => a + r.w, 0);
  return {
    stepMinutes: f.stepMinutes,
    from: f.range.from.toISOString(),
    to: f.range.to.toISOString(),
    spans,
    weighted,
    // Head- or tail-sampled spans stand for more traffic than was stored.
    estimated: Math.abs(weighted - spans) > 1e-6 * Math.max(1, spans),
    overall: quantiles(s.figures.find((r) => r.kind === "all")),
    series: points,
    histogram,
    heatmap,
  };
}

/** Services and operations seen in the window, for the filters; only the caller's tenants. */
export function operationOptions(tx: TransactionSql, scope: TenantScope, f: LatencyFilters) {
  return tx<{ service: string; operation: string }[]>`
    SELECT DISTINCT r.service, r.operation FROM ${rollupRows(tx, scope, { ...f, service: null, operation: null }, [part(f.range.from, f.range.to, OPERATION_GRAINS)])}
    ORDER BY 1, 2 LIMIT 2000`;
}
