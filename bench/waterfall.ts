import fs from "node:fs";
import os from "node:os";
import type { Page } from "@playwright/test";
import type { Sql } from "../db/connect";
import { sealTraces } from "../lib/traces/span-store/seal";
import { makeQuiet } from "../lib/traces/testing/sealed-twin";
import { insertSyntheticTrace } from "../lib/traces/testing/synthetic-trace";
import { navigationMs, navigationTimes, runBrowserBench } from "./lib/browser-app";
import { installModelLoaders, modelLoadMs, NDJSON_WATERFALL_COMMIT } from "./lib/page-model-loaders";

// The waterfall in a real browser against the production build (`next start` through
// scripts/start.ts) on a database of its own holding synthetic traces of 1,000, 10,000 and
// 100,000 spans. Per size: the span API (the whole NDJSON stream, fetched from the page as the
// waterfall does), navigation to an interactive waterfall (first rows on screen, median of RUNS), frame
// times while scrolling (requestAnimationFrame deltas in the page), collapsing and expanding
// the root (click to the next painted frame), and the critical path's time in its Web Worker
// (job spans outlive their parents, so the path runs through asynchronous work). Each size also
// has a sealed twin (same shape, another id, its spans in segments: lib/traces/span-store/seal.ts),
// measured in the same run; the span API is timed in both of the stream's forms (NDJSON and the
// binary one the waterfall reads). Issue 22's "today" is the waterfall that read NDJSON: its
// span loading (fetch to built model, bench/lib/page-model-loaders.ts) is timed in the page
// beside the current one, and today's rows painted estimated as the current page's with its
// loading swapped: painted − load now + load today.
//
//   npm run bench -- waterfall        WATERFALL_BENCH_SIZES=1000,10000 to pick sizes
//   WATERFALL_BENCH_PROFILE=dir       one more navigation per trace under the DevTools CPU profiler,
//                                     written to dir/<size>-<rows|sealed>.cpuprofile, its top functions logged

const PG_PORT = Number(process.env.BENCH_DB_PORT ?? 54373);
const PORT = Number(process.env.WATERFALL_BENCH_PORT ?? 3203);
const SIZES = (process.env.WATERFALL_BENCH_SIZES ?? "1000,10000,100000").split(",").map(Number);
const RUNS = Number(process.env.WATERFALL_BENCH_RUNS ?? 3);
const PROFILE_DIR = process.env.WATERFALL_BENCH_PROFILE;
const log = (line: string) => console.log(`[bench/waterfall] ${line}`);
// Each trace is downloaded nine times within a minute here (API in both forms, then the page):
// the per-user allowance of spans a minute would refuse the later ones, measuring the limiter
// rather than the waterfall. The server inherits this environment.
process.env.TRACE_DOWNLOAD_SPANS_PER_MINUTE ??= "1000000000";

// "a…": the traces with asynchronous jobs (a database kept from before them holds "e…" ones);
// "…5ea1ed5ea1ed": their sealed twins.
const traceIdOf = (size: number, sealed = false) => `${size.toString(16).padStart(8, "0")}bbbb4ccc8ddd${sealed ? "5ea1ed5ea1ed" : "a".repeat(12)}`;

async function writeTrace(sql: Sql, traceId: string, size: number): Promise<void> {
  await sql`DELETE FROM spans WHERE trace_id = ${traceId}::uuid`;
  await sql`DELETE FROM span_segments WHERE trace_id = ${traceId}::uuid`;
  await sql`DELETE FROM traces WHERE trace_id = ${traceId}::uuid`;
  const started = performance.now();
  await insertSyntheticTrace(sql, { tenant: "acme", traceId, spans: size, fanout: 6, asyncJobs: true });
  log(`wrote a ${size.toLocaleString("en-US")}-span trace in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function prepareTraces(sql: Sql, url: string): Promise<void> {
  const twins: string[] = [];
  for (const size of SIZES) {
    const traceId = traceIdOf(size);
    const [rows] = await sql`
      SELECT 1 FROM traces t WHERE trace_id = ${traceId}::uuid AND start_time > now() - interval '1 day'
        AND EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = t.trace_id AND s.start_time >= t.start_time)`;
    if (!rows) await writeTrace(sql, traceId, size);
    const twin = traceIdOf(size, true);
    const [sealed] = await sql`
      SELECT 1 FROM traces t WHERE trace_id = ${twin}::uuid AND start_time > now() - interval '1 day'
        AND EXISTS (SELECT 1 FROM span_segments g WHERE g.trace_id = t.trace_id AND g.start_time >= t.start_time)`;
    if (!sealed) {
      await writeTrace(sql, twin, size);
      twins.push(twin);
    }
  }
  if (twins.length === 0) return;
  // The sealer takes every quiet queued trace: only the new twins are quiet and queued, everything else just touched.
  await sql`UPDATE traces SET updated_at = now() WHERE trace_id NOT IN ${sql(twins)}`;
  for (const twin of twins) await makeQuiet(sql, "acme", twin);
  const started = performance.now();
  const result = await sealTraces(url, { now: new Date(), quietMinutes: 30 });
  if (!result || result.failed.length > 0 || result.traces !== twins.length) throw new Error(`sealing the twins: ${JSON.stringify(result)}`);
  log(`sealed ${result.spans.toLocaleString("en-US")} spans of ${twins.length} twin(s) into ${result.segments} segments in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

/** The whole span stream fetched from the page, in NDJSON or binary: median ms and its size. */
async function apiTime(page: Page, traceId: string, format: "ndjson" | "binary") {
  const runs: { ms: number; bytes: number }[] = [];
  for (let run = 0; run < RUNS; run++) {
    runs.push(
      await page.evaluate(
        async ([id, f]) => {
          const started = performance.now();
          const response = await fetch(`/api/traces/${id}/spans?tenant=acme&format=${f}`);
          const bytes = (await response.arrayBuffer()).byteLength;
          return { ms: performance.now() - started, bytes };
        },
        [traceId, format] as const,
      ),
    );
  }
  return { ms: median(runs.map((r) => r.ms)), mb: runs[0]!.bytes / 1e6 };
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** One navigation under the CPU profiler: the profile saved, the functions with the most self time logged. */
async function profileNavigation(page: Page, traceId: string, file: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 250 });
  await cdp.send("Profiler.start");
  const ms = await navigationMs(page, `/traces/${traceId}`, '[role="treeitem"]', 1);
  const { profile } = (await cdp.send("Profiler.stop")) as unknown as { profile: CpuProfile };
  await cdp.detach();
  fs.mkdirSync(PROFILE_DIR!, { recursive: true });
  fs.writeFileSync(`${PROFILE_DIR}/${file}.cpuprofile`, JSON.stringify(profile));
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, k) => {
    const f = frames.get(id)!;
    const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").pop()}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[k] ?? 0) / 1000);
  });
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 20);
  log(`profile ${file}: interactive ${ms.toFixed(0)} ms under the profiler; self time:\n${top.map(([k, t]) => `${t.toFixed(0).padStart(8)} ms  ${k}`).join("\n")}`);
}

// Playwright polls for the first row at growing intervals (up to 500 ms apart) and each poll waits
// for the page's main thread, so "interactive" lands on a poll after the rows are painted. The page
// also records the moment itself: an observer notes the first row's insertion, and the timer
// after the next frame the time it was painted.
const FIRST_ROW_OBSERVER = `(() => {
  const observer = new MutationObserver(() => {
    if (!document.querySelector('[role="treeitem"]')) return;
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => { window.__firstRowPaintedAt = performance.now(); }, 0));
  });
  observer.observe(document, { childList: true, subtree: true });
})()`;
const FIRST_ROW_PAINTED = "window.__firstRowPaintedAt";

async function medianMs(measureOnce: () => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) times.push(await measureOnce());
  return median(times);
}

async function measure(page: Page, size: number, sealed: boolean) {
  const traceId = traceIdOf(size, sealed);
  const ndjson = await apiTime(page, traceId, "ndjson");
  const binary = await apiTime(page, traceId, "binary");
  await installModelLoaders(page);
  const todayLoadMs = await medianMs(() => modelLoadMs(page, traceId, size, "today"));
  const nowLoadMs = await medianMs(() => modelLoadMs(page, traceId, size, "now"));

  const { ms: interactiveMs, probeMs: paintedInPageMs } = await navigationTimes(page, `/traces/${traceId}`, '[role="treeitem"]', RUNS, FIRST_ROW_PAINTED);
  // Where the last navigation's time went: the HTML, then the span stream the page preloads.
  const timeline = await page.evaluate(() => {
    const html = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    const spans = performance.getEntriesByType("resource").find((e) => e.name.includes("/spans?")) as PerformanceResourceTiming | undefined;
    return { htmlEndMs: html.responseEnd, spansStartMs: spans?.startTime ?? NaN, spansFirstByteMs: spans?.responseStart ?? NaN, spansEndMs: spans?.responseEnd ?? NaN };
  });
  if (PROFILE_DIR) await profileNavigation(page, traceId, `${size}-${sealed ? "sealed" : "rows"}`);

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
    sealed,
    apiMs: ndjson.ms,
    apiMb: ndjson.mb,
    binaryApiMs: binary.ms,
    binaryApiMb: binary.mb,
    todayLoadMs,
    nowLoadMs,
    interactiveMs,
    todayInteractiveMs: interactiveMs - nowLoadMs + todayLoadMs,
    paintedInPageMs,
    ...timeline,
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
      await page.addInitScript(FIRST_ROW_OBSERVER);
      const results = [];
      const load = () => os.loadavg().map((l) => l.toFixed(1)).join(" ");
      log(`${os.cpus().length} cores, load average ${load()} (1/5/15 min) before the runs`);
      for (const size of SIZES) {
        for (const sealed of [false, true]) {
          const r = await measure(page, size, sealed);
          results.push(r);
          log(
            `${size.toLocaleString("en-US").padStart(9)} spans ${sealed ? "sealed  " : "as rows "}: API NDJSON ${r.apiMs.toFixed(0)} ms (${r.apiMb.toFixed(1)} MB), ` +
              `binary ${r.binaryApiMs.toFixed(0)} ms (${r.binaryApiMb.toFixed(1)} MB), model loaded in the page: NDJSON as of ${NDJSON_WATERFALL_COMMIT} ${r.todayLoadMs.toFixed(0)} ms, binary now ${r.nowLoadMs.toFixed(0)} ms, ` +
              `interactive ${r.interactiveMs.toFixed(0)} ms (with today's NDJSON loading ~${r.todayInteractiveMs.toFixed(0)} ms; first row painted ${r.paintedInPageMs.toFixed(0)} ms by the page's own clock; ` +
              `last navigation: HTML at ${r.htmlEndMs.toFixed(0)} ms, span stream ${r.spansStartMs.toFixed(0)} → first byte ${r.spansFirstByteMs.toFixed(0)} → end ${r.spansEndMs.toFixed(0)} ms), ` +
              `scroll frames p95 ${r.frameP95.toFixed(1)} ms (median ${r.frameMedian.toFixed(1)}, ${r.frames} frames), ` +
              `collapse root ${r.collapseMs.toFixed(0)} ms, expand ${r.expandMs.toFixed(0)} ms, ` +
              `critical path ${r.criticalPathMs.toFixed(0)} ms in the worker (load average ${load()})`,
          );
        }
        const [rows, sealed] = results.slice(-2);
        log(
          `${size.toLocaleString("en-US").padStart(9)} spans: rows painted sealed / as rows (binary) = ${(sealed!.interactiveMs / rows!.interactiveMs).toFixed(2)}, ` +
            `sealed / as rows with today's NDJSON loading = ${(sealed!.interactiveMs / rows!.todayInteractiveMs).toFixed(2)}, ` +
            `first row painted by the page's clock sealed / as rows = ${(sealed!.paintedInPageMs / rows!.paintedInPageMs).toFixed(2)} (load average ${load()})`,
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
