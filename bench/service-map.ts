import os from "node:os";
import { connect } from "../db/connect";
import { enterReaderScope } from "../db/reader-scope";
import type { TenantScope } from "../db/tenant-scope";
import { percentile } from "../lib/latency/percentile";
import { buildServiceMap } from "../lib/services/queries";
import { serviceMapFilters } from "../lib/services/service-map-params";
import { benchDatabase, readBenchDatabase } from "./lib/bench-database";

// `npm run bench -- service-map`: the /services map read on the bench database (5 million spans
// unless BENCH_SPANS says otherwise), from the service map rollup as the page reads it (reader
// role, tenant scope), over 24 h and the previous 24 h, for one tenant and for all tenants.

const RUNS = Number(process.env.BENCH_SERVICE_MAP_RUNS ?? 20);
const TARGET_MS = 300;
const ALL: TenantScope = { all: true };
const ACME: TenantScope = { all: false, tenantIds: ["acme"] };
// A rolling window: edges of minutes around the hours.
const OFF_HOURS_MS = 17 * 60_000;

const ms = (v: number) => `${v.toFixed(1)} ms`;

async function main() {
  const db = await benchDatabase();
  const sql = connect(await readBenchDatabase(db), { max: 2 });
  try {
    const [latest] = await sql<{ t: Date }[]>`SELECT max(minute) AS t FROM service_map_rollup`;
    const to = new Date(Math.floor(latest!.t.getTime() / 3_600_000) * 3_600_000 - OFF_HOURS_MS);
    const filters = serviceMapFilters({ from: new Date(to.getTime() - 24 * 3_600_000), to });
    const [size] = await sql<{ rows: number; bytes: string }[]>`
      SELECT count(*)::int AS rows, pg_size_pretty(pg_total_relation_size('service_map_rollup')) AS bytes FROM service_map_rollup`;
    console.log(`Service map benchmark: ${db.spans.toLocaleString("en-US")} spans, map rollup ${size!.rows.toLocaleString("en-US")} rows (${size!.bytes}), ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}, ${RUNS} runs each`);
    console.log(`Window: 24 h ending ${to.toISOString()} (and the 24 h before it)\n`);
    const read = (scope: TenantScope) =>
      sql.begin(async (tx) => {
        await enterReaderScope(tx, scope);
        return buildServiceMap(tx, scope, filters);
      });
    const p95s: number[] = [];
    for (const [name, scope] of [["one tenant (acme)", ACME], ["all tenants", ALL]] as const) {
      for (let i = 0; i < 2; i++) await read(scope);
      const runs: number[] = [];
      let shape = "";
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        const map = await read(scope);
        runs.push(performance.now() - started);
        shape = `${map.nodes.length} services, ${map.edges.length} edges`;
      }
      p95s.push(percentile(runs, 95));
      console.log(`${`service map, 24 h, ${name}`.padEnd(40)} p50 ${ms(percentile(runs, 50)).padStart(9)}  p95 ${ms(percentile(runs, 95)).padStart(9)}  (${shape})`);
    }
    console.log(`\nTarget: p95 under ${TARGET_MS} ms each: ${p95s.every((p) => p < TARGET_MS) ? "met" : "not met"}`);
  } finally {
    await sql.end();
    await db.server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
