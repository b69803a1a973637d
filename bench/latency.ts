import os from "node:os";
import type { TransactionSql } from "postgres";
import { connect } from "../db/connect";
import { enterReaderScope } from "../db/reader-scope";
import type { TenantScope } from "../lib/auth/scope";
import { latencyFilters, type LatencyFilters, type LatencyParams } from "../lib/latency/params";
import { chartsReport, jobsReport, operationsReport } from "../lib/latency/queries";
import { benchDatabase } from "./lib/bench-database";

// `npm run bench -- latency`: the /latency view's queries on the 5-million-span database,
// read from the rollup as the page does (reader role, tenant scope), against the same figure
// computed exactly from the spans (percentile_cont) in the same run: a time ratio, and the
// percentile error of the rollup.

const RUNS = Number(process.env.BENCH_LATENCY_RUNS ?? 20);
const ALL: TenantScope = { all: true };
const ACME: TenantScope = { all: false, tenantIds: ["acme"] };

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");
const ms = (v: number) => `${v.toFixed(1)} ms`;

function pct(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

async function main() {
  const db = await benchDatabase();
  const sql = connect(db.url, { max: 2 });
  try {
    const [latest] = await sql<{ t: Date }[]>`SELECT max(minute) AS t FROM span_rollup`;
    const to = new Date(Math.floor(latest!.t.getTime() / 3_600_000) * 3_600_000);
    const from = new Date(to.getTime() - 24 * 3_600_000);
    const [size] = await sql<{ rows: number; bytes: string }[]>`
      SELECT count(*)::int AS rows, pg_size_pretty(pg_total_relation_size('span_rollup')) AS bytes FROM span_rollup`;
    console.log(`Latency benchmark: ${db.spans.toLocaleString("en-US")} spans, rollup ${size!.rows.toLocaleString("en-US")} rows (${size!.bytes}), ${os.cpus().length} cores, load ${load()}, ${RUNS} runs each`);
    console.log(`Window: 24 h ending ${to.toISOString()}, step 15 min (auto)\n`);

    const filters = (params: Partial<LatencyParams> = {}): LatencyFilters => latencyFilters({ from, to, ...params });
    const scoped = <T>(scope: TenantScope, fn: (tx: TransactionSql) => Promise<T>) =>
      sql.begin(async (tx) => {
        await enterReaderScope(tx, scope);
        return fn(tx);
      }) as Promise<T>;

    const time = async (name: string, fn: () => Promise<unknown>) => {
      for (let i = 0; i < 2; i++) await fn();
      const runs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        await fn();
        runs.push(performance.now() - started);
      }
      console.log(`${name.padEnd(44)} p50 ${ms(pct(runs, 0.5)).padStart(9)}  p95 ${ms(pct(runs, 0.95)).padStart(9)}`);
      return pct(runs, 0.95);
    };

    const cases: [string, TenantScope, () => Promise<unknown>][] = [
      ["percentile chart, 24 h, one tenant (acme)", ACME, () => scoped(ACME, (tx) => chartsReport(tx, ACME, filters()))],
      ["percentile chart, 24 h, all tenants", ALL, () => scoped(ALL, (tx) => chartsReport(tx, ALL, filters()))],
      ["histogram, 24 h, all tenants (one step)", ALL, () => scoped(ALL, (tx) => chartsReport(tx, ALL, filters({ step: "1d" })))],
      ["operations table + previous 24 h, all tenants", ALL, () => scoped(ALL, (tx) => operationsReport(tx, ALL, filters()))],
      ["job views, 24 h, all tenants", ALL, () => scoped(ALL, (tx) => jobsReport(tx, ALL, filters()))],
    ];
    console.log("From the rollup (reader role, tenant scope):");
    const p95s: number[] = [];
    for (const [name, , fn] of cases) p95s.push(await time(name, fn));

    console.log("\nBaseline, exact from spans (percentile_cont):");
    const exactChart = (tenant: string | null) => sql<{ t: Date; p50: number; p90: number; p95: number; p99: number }[]>`
      SELECT to_timestamp(floor(extract(epoch FROM start_time) / 900) * 900) AS t,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ns) AS p50,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY duration_ns) AS p90,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ns) AS p95,
             percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ns) AS p99
      FROM spans WHERE start_time >= ${from} AND start_time < ${to} ${tenant ? sql`AND tenant_id = ${tenant}` : sql``}
      GROUP BY 1 ORDER BY 1`;
    const timed = async (tenant: string | null) => {
      const started = performance.now();
      const rows = await exactChart(tenant);
      return { rows: [...rows], ms: performance.now() - started };
    };
    const exactAcme = await timed("acme");
    console.log(`${"exact percentile chart, 24 h, one tenant".padEnd(44)} once ${ms(exactAcme.ms).padStart(9)}  (rollup p95 is ${(exactAcme.ms / p95s[0]!).toFixed(0)}× faster)`);
    const exactAll = await timed(null);
    console.log(`${"exact percentile chart, 24 h, all tenants".padEnd(44)} once ${ms(exactAll.ms).padStart(9)}  (rollup p95 is ${(exactAll.ms / p95s[1]!).toFixed(0)}× faster)`);

    console.log("\nPercentile error of the rollup against percentile_cont over the same spans (every 15-min step):");
    for (const [name, scope, exact] of [["one tenant", ACME, exactAcme.rows], ["all tenants", ALL, exactAll.rows]] as const) {
      const report = await scoped(scope, (tx) => chartsReport(tx, scope, filters()));
      const byT = new Map(report.series.map((p) => [p.t, p]));
      for (const q of ["p50", "p90", "p95", "p99"] as const) {
        const errors = exact.map((e) => Math.abs((byT.get(e.t.toISOString())?.[q] ?? NaN) - e[q]) / e[q]);
        const worst = Math.max(...errors);
        const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
        console.log(`  ${name.padEnd(12)} ${q}: mean ${(mean * 100).toFixed(2)}%, worst ${(worst * 100).toFixed(2)}% over ${errors.length} steps`);
      }
    }
  } finally {
    await sql.end({ timeout: 5 });
    await db.server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
