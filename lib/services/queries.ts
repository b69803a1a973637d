import "server-only";
// Takes the caller's transaction (already in their reader scope), so the page, the API, the
// tests and bench/service-map.ts run the very same query; lib/services/report.ts opens the scope.
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/db/tenant-scope";
import { addHistogramText, emptyHistogram, type MergedHistogram, quantileBucketOf } from "@/lib/latency/merged-histogram";
import { SERVICE_MAP_ROLLUP } from "@/lib/latency/packed-minutes";
import { histogramTexts, pieceRows, rollupTenantFilter, withinRollupRetention } from "@/lib/latency/rollup-sql";
import { middleNs } from "@/lib/latency/sql-quantiles";
import { coverWindow, HOUR_GRAIN } from "@/lib/latency/tiers";
import type { ServiceMapFilters } from "./service-map-params";
import { rose, type MapEdge, type MapFigures, type MapNode, type ServiceMap } from "./types";

interface Period {
  caller: string;
  service: string;
  cur: boolean;
  w: number;
  we: number;
  histogram: MergedHistogram;
}

/**
 * The map rows of the window and of the same-length window before it, one row per (caller,
 * service, period) with its histograms concatenated as text (merged in JavaScript, as the
 * latency operations table does): the caller's tenants (this filter and RLS), nothing older
 * than each tenant's standard retention.
 */
async function periodRows(tx: TransactionSql, scope: TenantScope, f: ServiceMapFilters) {
  const length = f.range.to.getTime() - f.range.from.getTime();
  const parts = [
    { current: false, pieces: coverWindow(new Date(f.range.from.getTime() - length), f.range.from, [HOUR_GRAIN]) },
    { current: true, pieces: coverWindow(f.range.from, f.range.to, [HOUR_GRAIN]) },
  ];
  const filters = rollupTenantFilter(tx, scope, f.tenants, "r");
  const selects = parts.flatMap((part) =>
    part.pieces.map((p) => pieceRows(tx, SERVICE_MAP_ROLLUP, p, tx`${part.current}::boolean AS cur`, filters)),
  );
  const union = selects.reduce((all, one) => tx`${all} UNION ALL ${one}`);
  return tx<{ caller: string; service: string; cur: boolean; w: number; we: number; buckets: string | null; weights: string | null }[]>`
    SELECT u.caller, u.service, u.cur, sum(u.weighted_count) AS w, sum(u.weighted_errors) AS we, ${histogramTexts(tx, "u")}
    FROM (${union}) u
    WHERE ${withinRollupRetention(tx, "u")}
    GROUP BY 1, 2, 3`;
}

const figures = (p: Period): MapFigures => ({
  count: p.w,
  errorRate: p.w > 0 ? p.we / p.w : 0,
  p50Ns: middleNs(quantileBucketOf(p.histogram, 0.5)),
  p95Ns: middleNs(quantileBucketOf(p.histogram, 0.95)),
});

/**
 * The service map of a window: each service's RED numbers (its entry spans) and each
 * caller → callee edge's calls, error rate and p50/p95, re-weighted for sampling, with the
 * same figures of the previous window of the same length and whether the edge got worse.
 */
export async function buildServiceMap(tx: TransactionSql, scope: TenantScope, f: ServiceMapFilters): Promise<ServiceMap> {
  const periods = new Map<string, Period>();
  for (const r of await periodRows(tx, scope, f)) {
    const key = `${r.cur}\0${r.caller}\0${r.service}`;
    let p = periods.get(key);
    if (!p) periods.set(key, (p = { caller: r.caller, service: r.service, cur: r.cur, w: 0, we: 0, histogram: emptyHistogram() }));
    p.w += r.w;
    p.we += r.we;
    if (r.buckets !== null && r.weights !== null) addHistogramText(p.histogram, r.buckets, r.weights);
  }
  const previous = new Map([...periods.values()].filter((p) => !p.cur && p.w > 0).map((p) => [`${p.caller}\0${p.service}`, figures(p)]));
  const current = [...periods.values()].filter((p) => p.cur && p.w > 0);
  const seconds = (f.range.to.getTime() - f.range.from.getTime()) / 1000;
  const services = new Set<string>();
  const edges: MapEdge[] = [];
  const own = new Map<string, MapFigures>();
  for (const p of current) {
    const now = figures(p);
    const before = previous.get(`${p.caller}\0${p.service}`) ?? null;
    services.add(p.service);
    if (p.caller === "") {
      own.set(p.service, now);
      continue;
    }
    services.add(p.caller);
    edges.push({ caller: p.caller, service: p.service, ...now, previous: before, risen: rose(now, before) });
  }
  const nodes: MapNode[] = [...services].sort().map((service) => {
    const entries = own.get(service) ?? null;
    return { service, figures: entries, perSecond: entries ? entries.count / seconds : 0 };
  });
  edges.sort((a, b) => a.caller.localeCompare(b.caller) || a.service.localeCompare(b.service));
  return { nodes, edges };
}
