import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "@playwright/test";
import { connect } from "../db/connect";
import { seedTenants } from "../scripts/demo/index";
import { startEmbedded } from "../db/embedded";
import { runMigrations } from "../db/migrate";
import { hashPassword } from "../lib/auth/password";
import { insertSyntheticTrace } from "../lib/traces/trace/trace-synthetic";

// The waterfall in a real browser against the production build (`next start` through
// scripts/start.ts) on a database of its own holding synthetic traces of 1,000, 10,000 and
// 100,000 spans. Per size: the span API (the whole NDJSON stream, fetched from the page as the
// waterfall does), navigation to an interactive waterfall (first rows on screen, median of RUNS), frame
// times while scrolling (requestAnimationFrame deltas in the page), collapsing and expanding
// the root (click to the next painted frame), and the critical path's time in its Web Worker
// (job spans outlive their parents, so the path runs through asynchronous work).
//
//   npm run bench -- waterfall        WATERFALL_BENCH_SIZES=1000,10000 to pick sizes

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = path.join(root, ".data", "bench-waterfall");
const PG_PORT = Number(process.env.BENCH_DB_PORT ?? 54373);
const PORT = Number(process.env.WATERFALL_BENCH_PORT ?? 3203);
const SIZES = (process.env.WATERFALL_BENCH_SIZES ?? "1000,10000,100000").split(",").map(Number);
const RUNS = Number(process.env.WATERFALL_BENCH_RUNS ?? 3);
const BASE = `http://localhost:${PORT}`;
const USER = { email: "bench@demo.test", password: randomBytes(12).toString("hex") };
const log = (line: string) => console.log(`[bench/waterfall] ${line}`);

// "a…": the traces with asynchronous jobs (a database kept from before them holds "e…" ones).
const traceIdOf = (size: number) => `${size.toString(16).padStart(8, "0")}bbbb4ccc8ddd${"a".repeat(12)}`;

async function prepareDatabase(url: string): Promise<void> {
  await runMigrations(url);
  const sql = connect(url, { max: 2 });
  try {
    await seedTenants(sql);
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
    await sql`VACUUM ANALYZE spans`;
    const hash = await hashPassword(USER.password);
    await sql`INSERT INTO users (email, name, password_hash, role) VALUES (${USER.email}, 'bench', ${hash}, 'investigator')
              ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function waitFor(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no answer from ${url} within ${timeoutMs / 1000} s`);
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

  const interactiveMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await page.goto(`/traces/${traceId}`, { waitUntil: "commit" });
    await page.waitForSelector('[role="treeitem"]', { timeout: 60_000 });
    interactiveMs.push(await page.evaluate(() => performance.now()));
  }

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
    interactiveMs: median(interactiveMs),
    frameP95: p95(frames),
    frameMedian: median(frames),
    frames: frames.length,
    collapseMs: median(toggles.collapse),
    expandMs: median(toggles.expand),
    criticalPathMs,
  };
}

async function main(): Promise<void> {
  fs.mkdirSync(dataDir, { recursive: true });
  const pg = await startEmbedded({ dir: path.join(dataDir, "postgres"), port: PG_PORT, database: "postgres", logFile: path.join(dataDir, "postgres.log") });
  let server: ChildProcess | undefined;
  try {
    await prepareDatabase(pg.url);
    server = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/start.ts"), "start"], {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, PORT: String(PORT), DATABASE_URL: pg.url, AUTH_SECRET: randomBytes(32).toString("base64"), AUDIT_HMAC_KEY: randomBytes(32).toString("base64"), LOG_LEVEL: "warn" },
    });
    await waitFor(`${BASE}/api/health`, server, 600_000);
    const chromiumPath = process.env.CHROMIUM_PATH ?? (fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const page = await browser.newPage({ baseURL: BASE, viewport: { width: 1440, height: 900 } });
      // tsx names functions with an `__name` helper that does not exist in the page.
      await page.addInitScript("globalThis.__name = (f) => f");
      await page.goto("/login");
      await page.getByLabel("E-mail").fill(USER.email);
      await page.getByLabel("Password").fill(USER.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByTestId("user-menu").waitFor();
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
    } finally {
      await browser.close();
    }
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once("exit", r));
      server.kill("SIGTERM");
      await exited;
    }
    await pg.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
