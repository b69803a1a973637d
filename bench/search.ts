import { register } from "node:module";
import type { TransactionSql } from "postgres";
import { connect, type Sql } from "../db/connect";
import { enterReaderScope } from "../db/reader-scope";
import type { TenantScope } from "../db/tenant-scope";
import { benchDatabase } from "./lib/bench-database";
import { timeReader } from "./lib/reader-timing";

// Trace search latency on the 5-million-span database (bench/lib/bench-database.ts): p50 and
// p95 of typical filter mixes, each a whole reader transaction (BEGIN, SET ROLE and scope,
// the query, COMMIT) as the page and the API run it. Baseline in the same run: the same
// transaction around a primary-key lookup of one trace. Windows end at the newest seeded
// trace, so a database seeded days ago still has a full "last 24 hours".
//
//   npm run bench -- search          SEARCH_BENCH_RUNS (default 40) timed runs per mix

// lib/ modules are server-only; outside Next the marker must resolve to nothing.
register(
  `data:text/javascript,${encodeURIComponent(
    `export async function resolve(s, c, next) { return s === "server-only" ? { url: "data:text/javascript,", shortCircuit: true } : next(s, c); }`,
  )}`,
);

const RUNS = Number(process.env.SEARCH_BENCH_RUNS ?? 40);
const WARMUP = 5;
const ALL: TenantScope = { all: true };
const VIEWER: TenantScope = { all: false, tenantIds: ["acme", "globex"] };

interface Mix {
  name: string;
  scope: TenantScope;
  raw: Record<string, string | string[]>;
}

const time = (sql: Sql, scope: TenantScope, fn: (tx: TransactionSql) => Promise<unknown>) => timeReader(sql, scope, fn, RUNS, WARMUP);

async function main() {
  const { searchTracesIn } = await import("../lib/traces/search/search");
  const { scatterIn } = await import("../lib/traces/search/scatter");
  const { parseSearch } = await import("../lib/traces/search/search-params");
  const { suggestIn } = await import("../lib/traces/search/autocomplete");
  const { autocompleteParamsSchema } = await import("../lib/traces/search/autocomplete-params");

  const bench = await benchDatabase();
  const sql = connect(bench.url, { max: 1 });
  try {
    const [anchor] = await sql<{ now: Date; tenant: string; trace: string }[]>`
      SELECT max(start_time) + interval '1 second' AS now,
             (SELECT tenant_id FROM traces ORDER BY start_time DESC LIMIT 1) AS tenant,
             (SELECT trace_id FROM traces ORDER BY start_time DESC LIMIT 1) AS trace
      FROM traces`;
    const now = anchor!.now;
    const pick = async (query: Promise<{ v: string }[]>) => (await query)[0]!.v;
    const requestId = await pick(sql`SELECT request_id AS v FROM traces WHERE request_id IS NOT NULL AND tenant_id = 'acme' ORDER BY start_time DESC OFFSET 20000 LIMIT 1`);
    const jobId = await pick(sql`SELECT attributes -> 'job.id' ->> 0 AS v FROM traces WHERE attributes ? 'job.id' ORDER BY start_time DESC OFFSET 3000 LIMIT 1`);
    const jobName = await pick(sql`SELECT attributes -> 'job.name' ->> 0 AS v FROM traces WHERE attributes ? 'job.name' ORDER BY start_time DESC LIMIT 1`);
    // The rarest job name: an equality condition the search probes through the index, where
    // the newest one's is usually common enough to be checked while walking the window.
    const rareJobName = await pick(sql`
      SELECT attributes -> 'job.name' ->> 0 AS v FROM traces WHERE attributes ? 'job.name' GROUP BY 1 ORDER BY count(*), 1 LIMIT 1`);
    const operation = await pick(sql`SELECT root_name AS v FROM traces WHERE services @> ARRAY['billing-service'] GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`);

    const mixes: Mix[] = [
      { name: "no filter, newest first", scope: ALL, raw: {} },
      { name: "one tenant", scope: ALL, raw: { tenant: "acme" } },
      { name: "tenant viewer (2 tenants)", scope: VIEWER, raw: {} },
      { name: "service + operation", scope: ALL, raw: { service: "billing-service", operation } },
      { name: "errors only", scope: ALL, raw: { status: "error" } },
      { name: "errors only, viewer, 7 days", scope: VIEWER, raw: { status: "error", range: "7d" } },
      { name: "min duration 1s", scope: ALL, raw: { minDuration: "1s" } },
      { name: "attribute job.name = …", scope: ALL, raw: { attr: `job.name = ${jobName}` } },
      { name: "attribute job.name = … (rarest), 7 days", scope: ALL, raw: { attr: `job.name = ${rareJobName}`, range: "7d" } },
      { name: "attribute status_code > 499", scope: ALL, raw: { attr: "http.response.status_code > 499" } },
      { name: "attribute status_code < 300 (common)", scope: ALL, raw: { attr: "http.response.status_code < 300" } },
      { name: "attribute job.attempt > 1, viewer, 7 days", scope: VIEWER, raw: { attr: "job.attempt > 1", range: "7d" } },
      { name: "lookup by request id", scope: ALL, raw: { q: requestId } },
      { name: "lookup by job id", scope: ALL, raw: { q: jobId } },
      { name: "sort by duration", scope: ALL, raw: { sort: "duration" } },
      { name: "sort by duration, one tenant, 7 days", scope: ALL, raw: { sort: "duration", tenant: "acme", range: "7d" } },
      { name: "sort by errors", scope: ALL, raw: { sort: "errors" } },
    ];

    const filtersOf = (raw: Record<string, string | string[]>) => {
      const parsed = parseSearch(raw);
      if (!parsed.ok) throw new Error(parsed.message);
      return parsed.filters;
    };
    const firstPage = async (scope: TenantScope, raw: Record<string, string | string[]>) =>
      sql.begin(async (tx) => {
        await enterReaderScope(tx, scope);
        return searchTracesIn(tx, scope, filtersOf(raw), now);
      });
    for (const [name, raw] of [["page 2 via cursor", {}], ["page 2, sort by duration", { sort: "duration" }]] as const) {
      const cursor = (await firstPage(ALL, raw)).nextCursor;
      if (cursor) mixes.push({ name, scope: ALL, raw: { ...raw, cursor } });
    }

    const baseline = await time(sql, ALL, (tx) => tx`SELECT * FROM traces WHERE tenant_id = ${anchor!.tenant} AND trace_id = ${anchor!.trace}`);
    console.log(`bench/search: ${bench.spans.toLocaleString("en-US")} spans, ${RUNS} runs per mix after ${WARMUP} warm-up runs`);
    console.log(`baseline (primary-key lookup in a reader transaction): p50 ${baseline.p50.toFixed(2)} ms, p95 ${baseline.p95.toFixed(2)} ms\n`);
    console.log("mix                                     rows   p50 ms   p95 ms   p95/baseline p50");
    let slow = 0;
    const report = (name: string, rows: number, r: { p50: number; p95: number }) => {
      if (r.p95 >= 50) slow++;
      console.log(`${name.padEnd(38)} ${String(rows).padStart(5)} ${r.p50.toFixed(2).padStart(8)} ${r.p95.toFixed(2).padStart(8)} ${(r.p95 / baseline.p50).toFixed(1).padStart(10)}x${r.p95 >= 50 ? "  over 50 ms" : ""}`);
    };
    for (const mix of mixes) {
      const filters = filtersOf(mix.raw);
      const rows = (await firstPage(mix.scope, mix.raw)).traces.length;
      report(mix.name, rows, await time(sql, mix.scope, (tx) => searchTracesIn(tx, mix.scope, filters, now)));
    }
    for (const field of ["service", "operation", "attribute_key"] as const) {
      const p = autocompleteParamsSchema.parse({ field, prefix: field === "attribute_key" ? "http" : "" });
      const rows = (await sql.begin(async (tx) => { await enterReaderScope(tx, VIEWER); return suggestIn(tx, VIEWER, p); })).length;
      report(`autocomplete ${field} (viewer)`, rows, await time(sql, VIEWER, (tx) => suggestIn(tx, VIEWER, p)));
    }
    console.log(slow === 0 ? "\nEvery mix has p95 under 50 ms." : `\n${slow} mix(es) have p95 of 50 ms or more.`);

    // The duration scatter (lib/traces/search/scatter.ts): every match of the window, a query of its
    // own beside the page's, rendered in its own Suspense boundary so the table does not wait.
    console.log("\nscatter (every match, up to 5,000 points) points  total   p50 ms   p95 ms");
    const scatterMixes: Mix[] = [
      { name: "no filter, 24 h", scope: ALL, raw: {} },
      { name: "one tenant, 24 h", scope: ALL, raw: { tenant: "acme" } },
      { name: "tenant viewer (2 tenants), 24 h", scope: VIEWER, raw: {} },
      { name: "service + operation, 24 h", scope: ALL, raw: { service: "billing-service", operation } },
      { name: "errors only, viewer, 7 days", scope: VIEWER, raw: { status: "error", range: "7d" } },
      { name: "no filter, 7 days", scope: ALL, raw: { range: "7d" } },
    ];
    for (const mix of scatterMixes) {
      const filters = filtersOf(mix.raw);
      const first = await sql.begin(async (tx) => {
        await enterReaderScope(tx, mix.scope);
        return scatterIn(tx, mix.scope, filters, now);
      });
      const r = await time(sql, mix.scope, (tx) => scatterIn(tx, mix.scope, filters, now));
      console.log(`${mix.name.padEnd(38)} ${String(first.points.length).padStart(6)} ${String(first.total).padStart(6)} ${r.p50.toFixed(2).padStart(8)} ${r.p95.toFixed(2).padStart(8)}`);
    }
  } finally {
    await sql.end({ timeout: 5 });
    await bench.server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
