import type { Sql } from "@/db/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enterReaderScope } from "@/db/reader-scope";
import { DEMO_TENANTS, generateDemoTraces, seedTenants } from "@/scripts/demo/index";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import type { TenantScope } from "@/db/tenant-scope";
import { rebuildRollupSince } from "@/lib/ingest/derivations/rollup";
import { displayBucketOf } from "./buckets";
import { latencyFilters, type LatencyParams } from "./latency-params";
import { cumulative, quantileBucket } from "./sql-quantiles";
import { referenceHour } from "./testing/reference-hour";
import { buildLatencyReport } from "./queries";

let t: TestDatabase;
const HOUR = 3_600_000;

const NOW = referenceHour(Date.now());
const FROM = new Date(NOW.getTime() - 24 * HOUR);
const ALL: TenantScope = { all: true };
const ACME: TenantScope = { all: false, tenantIds: ["acme"] };

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenants(t.sql);
  await generateDemoTraces(t.sql, { traces: 600, days: 2, seed: 99, now: NOW });
  // Some traces stand for more traffic (sampled): the figures must be re-weighted.
  await t.sql`UPDATE traces SET sample_weight = 4 WHERE tenant_id = 'globex' AND NOT has_error`;
  await rebuildRollupSince(t.sql, new Date(NOW.getTime() - 3 * 24 * HOUR));
}, 120_000);
afterAll(async () => {
  await t.drop();
});

function report(scope: TenantScope, params: Partial<LatencyParams> = {}) {
  const filters = latencyFilters({ from: FROM, to: NOW, step: "1h", ...params });
  return t.sql.begin(async (tx) => {
    await enterReaderScope(tx, scope);
    return buildLatencyReport(tx, scope, filters);
  });
}

/** The spans a view covers, with the weight each stands for, exactly from the spans table. */
function exactSpans(tx: Sql, from: Date, to: Date, tenants: string[] | null) {
  return tx`
    SELECT s.*, coalesce(tr.sample_weight, 1)::float8 AS w, rollup_bucket(s.duration_ns) AS b,
           to_timestamp(floor(extract(epoch FROM s.start_time) / 3600) * 3600) AS step
    FROM spans s LEFT JOIN traces tr ON tr.tenant_id = s.tenant_id AND tr.trace_id = s.trace_id
    WHERE s.start_time >= ${from} AND s.start_time < ${to}
      ${tenants ? tx`AND s.tenant_id = ANY(${tenants}::text[])` : tx``}`;
}

const within = (estimate: number | null, exact: number) => {
  expect(estimate).not.toBeNull();
  expect(Math.abs(estimate! - exact) / exact).toBeLessThan(0.026);
};

describe("the latency report against exact SQL over the same spans", () => {
  it("takes a quantile in SQL as the first bucket reaching its share of the weight", async () => {
    const rows = await t.sql.begin(
      (tx) => tx<{ g: string; q50: number | null; q51: number | null; q90: number | null; q99: number | null }[]>`
        WITH cells AS (SELECT * FROM (VALUES ('a', 100, 50::float8), ('a', 200, 40), ('a', 300, 10), ('empty', 7, 0)) AS v(g, b, w))
        SELECT g, ${quantileBucket(tx, 0.5)} AS q50, ${quantileBucket(tx, 0.51)} AS q51, ${quantileBucket(tx, 0.9)} AS q90,
               ${quantileBucket(tx, 0.99)} AS q99
        FROM (${cumulative(tx, tx`g`)}) c GROUP BY g ORDER BY g`,
    );
    expect(rows).toEqual([
      { g: "a", q50: 100, q51: 200, q90: 200, q99: 300 },
      { g: "empty", q50: null, q51: null, q90: null, q99: null },
    ]);
  });

  it("gives each step's re-weighted throughput, error rate and percentiles", async () => {
    const r = await report(ALL);
    const exact = await t.sql<{ step: Date; w: number; we: number; n: number; p50: number; p90: number; p95: number; p99: number }[]>`
      WITH s AS (${exactSpans(t.sql, FROM, NOW, null)})
      SELECT step, sum(w) AS w, coalesce(sum(w) FILTER (WHERE status_code = 2), 0) AS we, count(*)::int AS n,
             percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ns)::float8 AS p50,
             percentile_disc(0.9) WITHIN GROUP (ORDER BY duration_ns)::float8 AS p90,
             percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ns)::float8 AS p95,
             percentile_disc(0.99) WITHIN GROUP (ORDER BY duration_ns)::float8 AS p99
      FROM s GROUP BY step ORDER BY step`;
    expect(r.series.map((p) => p.t)).toEqual(exact.map((e) => e.step.toISOString()));
    expect(r.series.length).toBeGreaterThan(20);
    for (const [i, e] of exact.entries()) {
      const p = r.series[i]!;
      expect(p.count).toBeCloseTo(e.w, 6);
      expect(p.perMinute).toBeCloseTo(e.w / 60, 6);
      expect(p.errorRate).toBeCloseTo(e.we / e.w, 9);
    }
    expect(r.estimated).toBe(true);
    expect(r.weighted).toBeGreaterThan(r.spans);

    // Percentiles of unweighted spans: percentile_disc picks the same rank the histogram does.
    const acme = await report(ACME);
    const exactAcme = await t.sql<{ step: Date; p50: number; p90: number; p95: number; p99: number }[]>`
      WITH s AS (${exactSpans(t.sql, FROM, NOW, ["acme"])})
      SELECT step, percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ns)::float8 AS p50,
             percentile_disc(0.9) WITHIN GROUP (ORDER BY duration_ns)::float8 AS p90,
             percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ns)::float8 AS p95,
             percentile_disc(0.99) WITHIN GROUP (ORDER BY duration_ns)::float8 AS p99
      FROM s GROUP BY step ORDER BY step`;
    expect(acme.series).toHaveLength(exactAcme.length);
    for (const [i, e] of exactAcme.entries()) {
      const p = acme.series[i]!;
      within(p.p50, e.p50);
      within(p.p90, e.p90);
      within(p.p95, e.p95);
      within(p.p99, e.p99);
    }
    expect(acme.estimated).toBe(false);
  });

  it("gives the histogram and the heatmap bucket by bucket", async () => {
    const r = await report(ALL);
    const spans = await exactSpans(t.sql, FROM, NOW, null);
    const bars = new Map<number, number>();
    const cells = new Map<string, number>();
    for (const s of spans) {
      const d = displayBucketOf(s.b as number);
      bars.set(d, (bars.get(d) ?? 0) + (s.w as number));
      const key = `${(s.step as Date).toISOString()}|${d}`;
      cells.set(key, (cells.get(key) ?? 0) + (s.w as number));
    }
    expect(r.histogram.map((h) => h.bucket)).toEqual([...bars.keys()].sort((a, b) => a - b));
    for (const h of r.histogram) expect(h.weight).toBeCloseTo(bars.get(h.bucket)!, 6);
    expect(r.heatmap).toHaveLength(cells.size);
    for (const c of r.heatmap) expect(c.weight).toBeCloseTo(cells.get(`${c.t}|${c.bucket}`)!, 6);
  });

  // On whole hours, and on a rolling window whose edges fall 43 minutes into an hour: the table
  // then reads each edge as its hour less 17 minutes (lib/latency/tiers.ts signedCover).
  for (const [name, shiftMinutes] of [["on whole hours", 0], ["on a rolling window", 3 * 60 + 17]] as const) {
    it(`gives operations by p95, error rate and total time against the previous period, ${name}`, async () => {
      const to = new Date(NOW.getTime() - shiftMinutes * 60_000);
      const from = new Date(to.getTime() - 24 * HOUR);
      const r = await report(ALL, { service: "web-api", from, to });
      const prevFrom = new Date(from.getTime() - 24 * HOUR);
      const exact = await t.sql<{ operation: string; cur: boolean; w: number; we: number; wd: number; p95: number; n: number }[]>`
        WITH s AS (${exactSpans(t.sql, prevFrom, to, null)})
        SELECT name AS operation, start_time >= ${from} AS cur, sum(w) AS w, coalesce(sum(w) FILTER (WHERE status_code = 2), 0) AS we,
               sum(w * duration_ns) AS wd, count(*)::int AS n,
               percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ns)::float8 AS p95
        FROM s WHERE service = 'web-api' GROUP BY 1, 2`;
      const current = exact.filter((e) => e.cur);
      expect(current.length).toBeGreaterThan(0);
      expect(r.operations.map((o) => o.operation).sort()).toEqual(current.map((e) => e.operation).sort());
      for (const op of r.operations) {
        const e = current.find((x) => x.operation === op.operation)!;
        const p = exact.find((x) => x.operation === op.operation && !x.cur);
        expect(op.count).toBeCloseTo(e.w, 6);
        expect(op.errorRate).toBeCloseTo(e.we / e.w, 9);
        expect(op.totalNs / e.wd).toBeCloseTo(1, 9);
        // p95 is compared on operations whose spans all weigh the same.
        if (e.w === e.n) within(op.p95Ns, e.p95);
        if (p) {
          expect(op.previous!.count).toBeCloseTo(p.w, 6);
          expect(op.previous!.errorRate).toBeCloseTo(p.we / p.w, 9);
        } else expect(op.previous).toBeNull();
      }
      expect(r.operations.some((o) => o.previous !== null)).toBe(true);
    });
  }

  it("gives each job's attempts, retries, run time and queue wait", async () => {
    // Tenants whose spans all weigh 1, so percentile_disc is the exact reference.
    const unweighted = DEMO_TENANTS.map((d) => d.id).filter((id) => id !== "globex");
    const r = await report({ all: false, tenantIds: unweighted });
    const exact = await t.sql<{ job: string; attempts: number; retries: number; run_p95: number; wait_p50: number | null; wait_p95: number | null; waits: number }[]>`
      WITH c AS (${exactSpans(t.sql, FROM, NOW, unweighted)}),
      jobs AS (SELECT *, attributes ->> 'job.name' AS job FROM c WHERE kind = 5 AND attributes ? 'job.name'),
      waits AS (
        SELECT j.job,
               ((extract(epoch FROM j.start_time) * 1000000)::bigint * 1000) - ((extract(epoch FROM p.start_time) * 1000000)::bigint * 1000) - p.duration_ns AS wait
        FROM jobs j JOIN spans p ON p.tenant_id = j.tenant_id AND p.trace_id = j.trace_id AND p.span_id = j.parent_span_id AND p.kind = 4
        WHERE (j.attributes ->> 'job.attempt')::int = 1)
      SELECT j.job, count(*)::int AS attempts,
             (count(*) FILTER (WHERE (j.attributes ->> 'job.attempt')::int > 1))::int AS retries,
             percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ns)::float8 AS run_p95,
             (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY greatest(wait, 0))::float8 FROM waits w WHERE w.job = j.job) AS wait_p50,
             (SELECT percentile_disc(0.95) WITHIN GROUP (ORDER BY greatest(wait, 0))::float8 FROM waits w WHERE w.job = j.job) AS wait_p95,
             (SELECT count(*)::int FROM waits w WHERE w.job = j.job) AS waits
      FROM jobs j GROUP BY j.job ORDER BY j.job`;
    expect(exact.length).toBeGreaterThan(0);
    expect(r.jobs.map((j) => j.job)).toEqual(exact.map((e) => e.job));
    for (const [i, e] of exact.entries()) {
      const j = r.jobs[i]!;
      expect(j.attempts).toBe(e.attempts);
      expect(j.retries).toBe(e.retries);
      expect(j.waits).toBe(e.waits);
      within(j.runP95Ns, e.run_p95);
      if (e.wait_p50 !== null && e.wait_p50 > 0) within(j.waitP50Ns, e.wait_p50);
      if (e.wait_p95 !== null && e.wait_p95 > 0) within(j.waitP95Ns, e.wait_p95);
    }
    expect(exact.some((e) => e.retries > 0)).toBe(true);
  });

  it("gives only the jobs a filtered service ran, and none for a service with no spans", async () => {
    const exact = await t.sql<{ service: string; jobs: string[] }[]>`
      SELECT service, coalesce(array_agg(DISTINCT attributes ->> 'job.name' ORDER BY attributes ->> 'job.name') FILTER (WHERE kind = 5 AND attributes ? 'job.name'), '{}') AS jobs
      FROM (${exactSpans(t.sql, FROM, NOW, null)}) c GROUP BY 1 ORDER BY 1`;
    const worker = exact.find((e) => e.jobs.length > 0)!;
    // A service with spans in the window but no job runs: unfiltered, the table would list the worker's jobs.
    const requester = exact.find((e) => e.jobs.length === 0)!;
    expect(worker).toBeDefined();
    expect(requester).toBeDefined();
    expect((await report(ALL, { service: worker.service })).jobs.map((j) => j.job)).toEqual(worker.jobs);
    expect((await report(ALL, { service: requester.service })).jobs).toEqual([]);
    expect((await report(ALL, { service: "no-such-service" })).jobs).toEqual([]);
  });
});

describe("tenant isolation and retention", () => {
  it("shows a tenant viewer only their tenants' figures, even when they ask for another", async () => {
    const mine = await report(ACME);
    const [exact] = await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM (${exactSpans(t.sql, FROM, NOW, ["acme"])}) s`;
    expect(mine.spans).toBe(exact!.n);
    const crafted = await report(ACME, { tenant: ["globex"] });
    expect(crafted.spans).toBe(0);
    expect(crafted.operations).toEqual([]);
    expect(crafted.jobs).toEqual([]);
  });

  it("lets the reader role see no rollup row of another tenant, with no WHERE at all", async () => {
    const tenants = await t.sql.begin(async (tx) => {
      await enterReaderScope(tx, ACME);
      return tx<{ tenant_id: string }[]>`SELECT DISTINCT tenant_id FROM span_rollup`;
    });
    expect(tenants).toEqual([{ tenant_id: "acme" }]);
  });

  // Whole rollup periods only: a quarter hour or an hour straddling the cut is hidden, never half shown.
  it("hides periods past the tenant's standard retention, before any purge", async () => {
    const before = await report(ACME, { from: new Date(NOW.getTime() - 48 * HOUR), step: "1d" });
    await t.sql`UPDATE tenants SET retention_days = 1 WHERE id = 'acme'`;
    try {
      const after = await report(ACME, { from: new Date(NOW.getTime() - 48 * HOUR), step: "1d" });
      expect(after.spans).toBeLessThan(before.spans);
      const [exact] = await t.sql<{ n: number }[]>`
        SELECT count(*)::int AS n FROM spans WHERE tenant_id = 'acme' AND start_time < ${NOW}
          AND date_bin('15 minutes', start_time, 'epoch') >= now() - interval '1 day'`;
      expect(after.spans).toBe(exact!.n);
      // The table reads six-hour blocks; one straddling the cut gives way to its hours.
      const [hours] = await t.sql<{ n: number }[]>`
        SELECT count(*)::int AS n FROM spans WHERE tenant_id = 'acme' AND start_time < ${NOW}
          AND date_bin('1 hour', start_time, 'epoch') >= now() - interval '1 day'`;
      expect(after.operations.reduce((sum, o) => sum + o.count, 0)).toBe(hours!.n);
      expect(before.operations.reduce((sum, o) => sum + o.count, 0)).toBeGreaterThan(hours!.n);
    } finally {
      await t.sql`UPDATE tenants SET retention_days = 14 WHERE id = 'acme'`;
    }
  });
});
