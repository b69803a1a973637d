import os from "node:os";
import type { Sql } from "../db/connect";
import { insertSyntheticTrace } from "../lib/traces/testing/synthetic-trace";
import { navigationMs, runBrowserBench } from "./lib/browser-app";

// Trace comparison in a real browser against the production build (issue 21: "compare of two
// 10,000-span traces rendered < 1 s"): navigation to /traces/compare until the first aligned
// rows are on screen (both span streams read, both trees built, aligned), median of RUNS, with
// the same run's baseline: opening one of the two traces in the waterfall.
//
//   npm run bench -- compare        COMPARE_BENCH_SPANS=10000 for the size

const PG_PORT = Number(process.env.BENCH_DB_PORT ?? 54374);
const PORT = Number(process.env.COMPARE_BENCH_PORT ?? 3204);
const SPANS = Number(process.env.COMPARE_BENCH_SPANS ?? 10_000);
const RUNS = Number(process.env.COMPARE_BENCH_RUNS ?? 3);
const log = (line: string) => console.log(`[bench/compare] ${line}`);

// Two traces of the same shape, the second with asynchronous jobs: most spans pair, some are of one side only.
const traceIdOf = (side: "a" | "b") => `${SPANS.toString(16).padStart(8, "0")}bbbb4ccc8ddd${side.repeat(12)}`;

async function prepare(sql: Sql): Promise<void> {
  for (const side of ["a", "b"] as const) {
    const traceId = traceIdOf(side);
    const [exists] = await sql`SELECT 1 FROM traces WHERE trace_id = ${traceId}::uuid AND start_time > now() - interval '1 day'`;
    if (exists) continue;
    await sql`DELETE FROM spans WHERE trace_id = ${traceId}::uuid`;
    await sql`DELETE FROM traces WHERE trace_id = ${traceId}::uuid`;
    await insertSyntheticTrace(sql, { tenant: "acme", traceId, spans: SPANS, fanout: 6, asyncJobs: side === "b" });
    log(`wrote trace ${side.toUpperCase()} of ${SPANS.toLocaleString("en-US")} spans`);
  }
}

async function main(): Promise<void> {
  await runBrowserBench({
    name: "bench-compare",
    pgPort: PG_PORT,
    port: PORT,
    prepare,
    run: async (page) => {
      const load = () => os.loadavg().map((l) => l.toFixed(1)).join(" ");
      log(`${os.cpus().length} cores, load average ${load()} (1/5/15 min) before the runs`);
      const a = traceIdOf("a");
      const b = traceIdOf("b");
      const waterfallMs = await navigationMs(page, `/traces/${b}?tenant=acme`, '[role="treeitem"]', RUNS);
      const compareMs = await navigationMs(page, `/traces/compare?a=${a}&aTenant=acme&b=${b}&bTenant=acme`, '[data-testid="compare-row"]', RUNS);
      const rows = Number(await page.getAttribute('[data-testid="compare-tree"]', "data-rows"));
      log(
        `${SPANS.toLocaleString("en-US")} + ${SPANS.toLocaleString("en-US")} spans: compare rendered in ${compareMs.toFixed(0)} ms (${rows.toLocaleString("en-US")} aligned rows), ` +
          `waterfall of B in ${waterfallMs.toFixed(0)} ms (load average ${load()})`,
      );
      console.log(JSON.stringify({ spans: SPANS, compareMs, waterfallMs, rows }));
    },
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
