// Takes the caller's transaction (already in their reader scope), so the page, the API, the
// tests and bench/latency.ts run the very same queries; lib/latency/report.ts opens the scope.
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/lib/auth/scope";
import { addTo, quantileNs, toDisplayBuckets, displayLowerNs, displayUpperNs, totalWeight } from "./buckets";
import type { LatencyFilters } from "./params";
import { chartGrains, coverWindow, HOUR_GRAIN } from "./tiers";
import type { JobRow, LatencyReport, OperationRow, SeriesPoint } from "./types";

const QUANTILES = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 } as const;

/** A window of rollup rows, with the grains allowed to cover it and whether it is the current period. */
interface Part {
  from: Date;
  to: Date;
  grains: readonly number[];
  current?: boolean;
}

/**
 * The rollup rows a view may read, as a subquery `r` with `cur` (current period or not): the
 * caller's tenants (two layers: this filter and RLS), the windows, and nothing older than
 * the tenant's standard retention (ADR-010), before or after the purge.
 */
function rollupRows(tx: TransactionSql, scope: TenantScope, f: LatencyFilters, parts: readonly Part[], byOperation = true) {
  const tenants = f.tenants.length > 0 ? f.tenants : scope.all ? null : [...scope.tenantIds];
  const filters = tx`
    ${tenants ? tx`AND r.tenant_id = ANY(${tenants}::text[])` : tx``}
    ${scope.all ? tx`` : tx`AND r.tenant_id = ANY(${[...scope.tenantIds]}::text[])`}
    ${byOperation && f.service ? tx`AND r.service = ${f.service}` : tx``}
    ${byOperation && f.operation ? tx`AND r.operation = ${f.operation}` : tx``}`;
  const selects = parts.flatMap((part) =>
    coverWindow(part.from, part.to, part.grains).map(
      (p) => tx`SELECT r.*, ${part.current ?? true}::boolean AS cur FROM span_rollup r
                WHERE r.grain = ${p.grain} AND r.minute >= ${p.from} AND r.minute < ${p.to} ${filters}`,
    ),
  );
  const union = selects.length === 0 ? tx`SELECT r.*, true AS cur FROM span_rollup r WHERE false` : selects.reduce((all, one) => tx`${all} UNION ALL ${one}`);
  return tx`(${union}) r JOIN tenants n ON n.id = r.tenant_id AND r.minute >= now() - make_interval(days => n.retention_days)`;
}

const histOf = (rows: readonly { b: number; w: number }[]) => {
  const hist = new Map<number, number>();
  for (const r of rows) addTo(hist, r.b, r.w);
  return hist;
};

function quantiles(hist: Map<number, number>) {
  return {
    p50: quantileNs(hist, QUANTILES.p50),
    p90: quantileNs(hist, QUANTILES.p90),
    p95: quantileNs(hist, QUANTILES.p95),
    p99: quantileNs(hist, QUANTILES.p99),
  };
}

async function series(tx: TransactionSql, scope: TenantScope, f: LatencyFilters) {
  const stepS = f.stepMinutes * 60;
  const at = tx`to_timestamp(floor(extract(epoch FROM r.minute) / ${stepS}) * ${stepS})`;
  const grains = chartGrains(f.stepMinutes, !f.service && !f.operation);
  const rows = () => rollupRows(tx, scope, f, [{ ...f.range, grains }]);
  const [totals, buckets] = await Promise.all([
    tx<{ t: Date; n: number; w: number; we: number }[]>`
      SELECT ${at} AS t, sum(r.span_count)::float8 AS n, sum(r.weighted_count) AS w, sum(r.weighted_errors) AS we
      FROM ${rows()} GROUP BY 1 ORDER BY 1`,
    tx<{ t: Date; b: number; w: number }[]>`
      SELECT ${at} AS t, u.b, sum(u.w) AS w
      FROM ${rows()}, unnest(r.buckets, r.weights) AS u(b, w)
      GROUP BY 1, 2`,
  ]);
  return { totals, buckets };
}

export async function operationsReport(tx: TransactionSql, scope: TenantScope, f: LatencyFilters): Promise<OperationRow[]> {
  const length = f.range.to.getTime() - f.range.from.getTime();
  const rows = () =>
    rollupRows(tx, scope, f, [
      { from: new Date(f.range.from.getTime() - length), to: f.range.from, grains: [HOUR_GRAIN], current: false },
      { ...f.range, grains: [HOUR_GRAIN] },
    ]);
  const [totals, buckets] = await Promise.all([
    tx<{ service: string; operation: string; cur: boolean; w: number; we: number; wd: number }[]>`
      SELECT r.service, r.operation, r.cur, sum(r.weighted_count) AS w, sum(r.weighted_errors) AS we,
             sum(r.weighted_duration_ns) AS wd
      FROM ${rows()} GROUP BY 1, 2, 3`,
    tx<{ service: string; operation: string; cur: boolean; b: number; w: number }[]>`
      SELECT r.service, r.operation, r.cur, u.b, sum(u.w) AS w
      FROM ${rows()}, unnest(r.buckets, r.weights) AS u(b, w)
      GROUP BY 1, 2, 3, 4`,
  ]);
  const key = (r: { service: string; operation: string; cur: boolean }) => `${r.cur ? 1 : 0}\0${r.service}\0${r.operation}`;
  const hists = new Map<string, Map<number, number>>();
  for (const r of buckets) {
    const k = key(r);
    if (!hists.has(k)) hists.set(k, new Map());
    addTo(hists.get(k)!, r.b, r.w);
  }
  const previous = new Map(totals.filter((t) => !t.cur).map((t) => [key({ ...t, cur: true }), t]));
  return totals
    .filter((t) => t.cur)
    .map((t) => {
      const prev = previous.get(key(t));
      const prevHist = hists.get(key({ ...t, cur: false }));
      return {
        service: t.service,
        operation: t.operation,
        count: t.w,
        p95Ns: quantileNs(hists.get(key(t)) ?? new Map(), QUANTILES.p95),
        errorRate: t.w > 0 ? t.we / t.w : 0,
        totalNs: t.wd,
        previous: prev && prev.w > 0 ? { count: prev.w, p95Ns: prevHist ? quantileNs(prevHist, QUANTILES.p95) : null, errorRate: prev.we / prev.w, totalNs: prev.wd } : null,
      };
    });
}

export async function jobsReport(tx: TransactionSql, scope: TenantScope, f: LatencyFilters): Promise<JobRow[]> {
  const rows = () => rollupRows(tx, scope, f, [{ ...f.range, grains: [HOUR_GRAIN] }], false);
  const [totals, buckets] = await Promise.all([
    tx<{ job: string; n: number; w: number; we: number; wr: number; wait_n: number }[]>`
      SELECT r.job_name AS job, sum(r.span_count)::float8 AS n, sum(r.weighted_count) AS w, sum(r.weighted_errors) AS we,
             sum(r.weighted_retries) AS wr, sum(r.wait_count)::float8 AS wait_n
      FROM ${rows()}
      WHERE r.job_name <> '' AND r.kind = 5 GROUP BY 1 ORDER BY 1`,
    tx<{ job: string; wait: boolean; b: number; w: number }[]>`
      SELECT r.job_name AS job, false AS wait, u.b, sum(u.w) AS w
      FROM ${rows()}, unnest(r.buckets, r.weights) AS u(b, w)
      WHERE r.job_name <> '' AND r.kind = 5 GROUP BY 1, 2, 3
      UNION ALL
      SELECT r.job_name, true, u.b, sum(u.w)
      FROM ${rows()}, unnest(r.wait_buckets, r.wait_weights) AS u(b, w)
      WHERE r.job_name <> '' AND r.kind = 5 GROUP BY 1, 2, 3`,
  ]);
  return totals.map((t) => {
    const run = histOf(buckets.filter((b) => b.job === t.job && !b.wait));
    const wait = histOf(buckets.filter((b) => b.job === t.job && b.wait));
    return {
      job: t.job,
      attempts: t.w,
      retries: t.wr,
      failures: t.we,
      runP50Ns: quantileNs(run, QUANTILES.p50),
      runP95Ns: quantileNs(run, QUANTILES.p95),
      waitP50Ns: quantileNs(wait, QUANTILES.p50),
      waitP95Ns: quantileNs(wait, QUANTILES.p95),
      waits: totalWeight(wait),
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
  const s = await series(tx, scope, f);
  const perStep = new Map<number, Map<number, number>>();
  const overall = new Map<number, number>();
  for (const r of s.buckets) {
    const t = r.t.getTime();
    if (!perStep.has(t)) perStep.set(t, new Map());
    addTo(perStep.get(t)!, r.b, r.w);
    addTo(overall, r.b, r.w);
  }
  const points: SeriesPoint[] = s.totals.map((r) => ({
    t: r.t.toISOString(),
    count: r.w,
    perMinute: r.w / f.stepMinutes,
    errorRate: r.w > 0 ? r.we / r.w : 0,
    ...quantiles(perStep.get(r.t.getTime()) ?? new Map()),
  }));
  const heatmap = [...perStep].flatMap(([t, hist]) => [...toDisplayBuckets(hist)].map(([bucket, weight]) => ({ t: new Date(t).toISOString(), bucket, weight })));
  const histogram = [...toDisplayBuckets(overall)]
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
    overall: quantiles(overall),
    series: points,
    histogram,
    heatmap,
  };
}

/** Services and operations seen in the window, for the filters; only the caller's tenants. */
export function operationOptions(tx: TransactionSql, scope: TenantScope, f: LatencyFilters) {
  return tx<{ service: string; operation: string }[]>`
    SELECT DISTINCT r.service, r.operation FROM ${rollupRows(tx, scope, { ...f, service: null, operation: null }, [{ ...f.range, grains: [HOUR_GRAIN] }])}
    ORDER BY 1, 2 LIMIT 2000`;
}
