import os from "node:os";
import type { Page } from "@playwright/test";
import type { Sql } from "../db/connect";
import { insertSyntheticTrace } from "../lib/traces/testing/synthetic-trace";
import { navigationMs, runBrowserBench } from "./lib/browser-app";

// The waterfall in a real browser against the production build (`next start` through
// scripts/start.ts) on a database of its own holding synthetic traces of 1,000, 10,000 and
// 100,000 spans. Per size: the span API (the whole NDJSON stream, fetched from the page as the
// waterfall does), navigation to an interactive waterfall (first rows on screen, median of RUNS), frame
// times while scrolling (requestAnimationFrame deltas in the page), collapsing and expanding
// the root (click to the next painted frame), and the critical path's time in its Web Worker
// (job spans outlive their parents, so the path runs through asynchronous work).
//
//   npm run bench -- waterfall        WATERFALL_BENCH_SIZES=1000,10000 to pick sizes

const PG_PORT = Number(process.env.BENCH_DB_PORT ?? 54373);
const PORT = Number(process.env.WATERFALL_BENCH_PORT ?? 3203);
const SIZES = (process.env.WATERFALL_BENCH_SIZES ?? "1000,10000,100000").split(",").map(Number);
const RUNS = Number(process.env.WATERFALL_BENCH_RUNS ?? 3);
const log = (line: string) => console.log(`[bench/waterfall] ${line}`);

// "a…": the traces with asynchronous jobs (a database kept from before them holds "e…" ones).
const traceIdOf = (size: number) => `${size.toString(16).padStart(8, "0")}bbbb4ccc8ddd${"a".repeat(12)}`;

async function prepareTraces(sql: Sql): Promise<void> {
  for (const size of SIZES) {
    const traceId = traceIdOf(size);
    const [exists] = await sql`SELECT 1 FROM traces WHERE trace_id = ${traceId}::uuid AND start_time > now() - interval '1 day'`;
    if (exists) continue;
    await sql`DELETE FROM spans WHERE trace_id = ${traceId}::uuid`;
    await sql`DELETE FROM traces WHERE trace_id = ${traceId}::uuid`;
    const started = performance.now();
    await insertSyntheticTrace(sql, { tenant: "acme", traceId, spans: size, fanout: 6, asyncJobs: true });
    log(`wrote a ${size.toLocaleString("en-US")}-span trace in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

async function measure(page: Page, size: number) {
  const traceId = traceIdOf(size);
  const apiMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    apiMs.push(
      await page.evaluate(async (id) => {
        const started = performance.now();
        const response = await fetch(`/api/traces/${id}/spans?tenant=acme`);
        await response.text();
        return performance.now() - started;
      }, traceId),
    );
  }

  const interactiveMs = await navigationMs(page, `/traces/${traceId}`, '[role="treeitem"]', RUNS);

  // Let the deferred critical-path analysis finish before timing frames; the worker reports its time.
  await page.waitForSelector('[data-testid="critical-segment"]', { timeout: 60_000 });
  const criticalPathMs = Number(await page.getAttribute('[data-testid="service-legend"]', "data-analysis-ms"));
  const frames = await page.evaluate(async () => {
    const el = document.querySelector<HTMLElement>('[data-testid="waterfall"]')!;
    const deltas: number[] = [];
    let last = performance.now();
    const until = last + 4_000;
    await new Promise<void>((resolve) => {
      const tick = (now: number) => {
        deltas.push(now - last);
        last = now;
        el.scrollTop += 120;
        if (el.scrollTop + el.clientHeight >= el.scrollHeight) el.scrollTop = 0;
        if (now < until) requestAnimationFrame(tick);
        else resolve();
      };
      requestAnimationFrame(tick);
    });
    return deltas.slice(2);
  });

  const toggles = await page.evaluate(async () => {
    const el = document.querySelector<HTMLElement>('[data-testid="waterfall"]')!;
    el.scrollTop = 0;
    const painted = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    await painted();
    const time = async (label: RegExp, rows: (n: number) => boolean) => {
      const button = [...document.querySelectorAll<HTMLButtonElement>('[role="treeitem"] button')].find((b) => label.test(b.getAttribute("aria-label") ?? ""))!;
      const started = performance.now();
      button.click();
      await painted();
      const ms = performance.now() - started;
      if (!rows(document.querySelectorAll('[role="treeitem"]').length)) throw new Error("the rows did not change");
      return ms;
    };
    const collapse: number[] = [];
    const expand: number[] = [];
    for (let k = 0; k < 3; k++) {
      collapse.push(await time(/^Collapse /, (n) => n === 1));
      expand.push(await time(/^Expand /, (n) => n > 1));
    }
    return { collapse, expand };
  });

  return {
    size,
    apiMs: median(apiMs),
    interactiveMs,
    frameP95: p95(frames),
    frameMedian: median(frames),
    frames: frames.length,
    collapseMs: median(toggles.collapse),
    expandMs: median(toggles.expand),
    criticalPathMs,
  };
}

async function main(): Promise<void> {
  await runBrowserBench({
    name: "bench-waterfall",
    pgPort: PG_PORT,
    port: PORT,
    prepare: prepareTraces,
    run: async (page) => {
      const results = [];
      const load = () => os.loadavg().map((l) => l.toFixed(1)).join(" ");
      log(`${os.cpus().length} cores, load average ${load()} (1/5/15 min) before the runs`);
      for (const size of SIZES) {
        const r = await measure(page, size);
        results.push(r);
        log(
          `${size.toLocaleString("en-US").padStart(7)} spans: API ${r.apiMs.toFixed(0)} ms, interactive ${r.interactiveMs.toFixed(0)} ms, ` +
            `scroll frames p95 ${r.frameP95.toFixed(1)} ms (median ${r.frameMedian.toFixed(1)}, ${r.frames} frames), ` +
            `collapse root ${r.collapseMs.toFixed(0)} ms, expand ${r.expandMs.toFixed(0)} ms, ` +
            `critical path ${r.criticalPathMs.toFixed(0)} ms in the worker (load average ${load()})`,
        );
      }
      console.log(JSON.stringify(results));
    },
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
