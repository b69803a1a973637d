import os from "node:os";
import type { TransactionSql } from "postgres";
import { connect } from "../db/connect";
import { enterReaderScope } from "../db/reader-scope";
import type { TenantScope } from "../db/tenant-scope";
import { RETRY_THRESHOLD, type InvestigateFilters, type InvestigateView } from "../lib/investigate/investigate-params";
import { benchDatabase } from "./lib/bench-database";
import { percentile } from "../lib/latency/percentile";

// `npm run bench -- investigate`: p50/p95 of each /investigate view on the 5-million-span
// benchmark database, over a 24-hour window, for all tenants (an investigator) and for one
// tenant (a tenant viewer of the largest tenant), as the page runs them: one reader-scoped
// transaction under row-level security. The baseline in the same run is the newest-traces
// query of /traces over the same scope, so the ratio reads the same on a busy machine.

// The views are server modules (`import "server-only"`): bench/run.ts starts this file with
// TSX_NODE_ARGS, which resolve the marker as the Next server does.
const { runView } = await import("../lib/investigate/run");

const RUNS = Number(process.env.BENCH_INVESTIGATE_RUNS ?? 40);
const WARMUP = 3;
const TENANT = "acme";

const ms = (n: number) => `${n.toFixed(1)} ms`;
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");

const db = await benchDatabase();
const sql = connect(db.url, { max: 2, applicationName: "bench-investigate" });
try {
  const [{ last }] = (await sql`SELECT max(start_time) AS last FROM traces`) as unknown as [{ last: Date }];
  const window = { from: new Date(last.getTime() - 86_400_000), to: new Date(last.getTime() + 1) };
  const ids = await sql<{ id: string; tenant_id: string }[]>`
    (SELECT attributes->>'job.id' AS id, tenant_id FROM spans
     WHERE attributes ? 'job.id' AND start_time >= ${window.from} AND start_time < ${window.to} ORDER BY span_id LIMIT ${RUNS / 2})
    UNION ALL
    (SELECT request_id, tenant_id FROM traces WHERE request_id IS NOT NULL AND start_time >= ${window.from} AND start_time < ${window.to}
     ORDER BY trace_id LIMIT ${RUNS / 2})`;

  const scoped = <T>(scope: TenantScope, fn: (tx: TransactionSql) => Promise<T>) =>
    sql.begin(async (tx) => {
      await enterReaderScope(tx, scope);
      return fn(tx);
    }) as Promise<T>;

  async function measure(run: (i: number) => Promise<unknown>): Promise<{ p50: number; p95: number }> {
    for (let i = 0; i < WARMUP; i++) await run(i);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await run(i);
      times.push(performance.now() - started);
    }
    return { p50: percentile(times, 50), p95: percentile(times, 95) };
  }

  const scopes: [string, TenantScope][] = [
    ["all tenants", { all: true }],
    [`one tenant (${TENANT})`, { all: false, tenantIds: [TENANT] }],
  ];
  const filters = (view: InvestigateView, id = ""): InvestigateFilters => ({
    view, tenants: [], window: { ...window, preset: null }, n: RETRY_THRESHOLD.default, q: "", id, rank: "request",
  });

  console.log(`5M-span bench database, 24 h window ending ${last.toISOString()}, ${RUNS} runs each after ${WARMUP} warm-up; load ${load()}`);
  console.log("| scope | view | p50 | p95 | p50 / baseline p50 |");
  console.log("|---|---|---|---|---|");
  for (const [label, scope] of scopes) {
    const visibleIds = ids.filter((r) => scope.all || scope.tenantIds.includes(r.tenant_id));
    const baseline = await measure(() =>
      scoped(scope, (tx) => tx`
        SELECT t.trace_id FROM traces t JOIN tenants n ON n.id = t.tenant_id
        WHERE ${scope.all ? tx`true` : tx`t.tenant_id = ANY(${scope.tenantIds as string[]})`}
          AND t.start_time >= ${window.from} AND t.start_time < ${window.to}
        ORDER BY t.start_time DESC LIMIT 50`),
    );
    console.log(`| ${label} | baseline: 50 newest traces | ${ms(baseline.p50)} | ${ms(baseline.p95)} | 1.00 |`);
    for (const view of ["errors", "retries", "slow", "lineage"] as const) {
      const result = await measure((i) =>
        scoped(scope, (tx) => runView(tx, scope, filters(view, view === "lineage" ? (visibleIds[i % visibleIds.length]?.id ?? "job_none") : ""))),
      );
      console.log(`| ${label} | ${view} | ${ms(result.p50)} | ${ms(result.p95)} | ${(result.p50 / baseline.p50).toFixed(2)} |`);
    }
  }
  console.log(`load after: ${load()}`);
} finally {
  await sql.end({ timeout: 5 });
  await db.server.stop();
}
