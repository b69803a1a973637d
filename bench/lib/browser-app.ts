import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "@playwright/test";
import { connect, type Sql } from "../../db/connect";
import { startEmbedded } from "../../db/embedded";
import { runMigrations } from "../../db/migrate";
import { hashPassword } from "../../lib/auth/password";
import { seedTenants } from "../../scripts/demo/index";
import { TSX_NODE_ARGS } from "../../scripts/node/tsx";

// The browser benchmarks' harness: the production build (`next start` through
// scripts/start.ts) on an embedded database of the benchmark's own, an investigator signed in
// through the form in Chromium, and everything stopped afterwards.

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface BrowserBench {
  /** The folder under .data holding the benchmark's database, kept between runs. */
  name: string;
  pgPort: number;
  port: number;
  /** Writes the benchmark's traces (tenants are seeded and migrations run before); `url` is the database's. */
  prepare: (sql: Sql, url: string) => Promise<void>;
  run: (page: Page) => Promise<void>;
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

async function signedInPage(browser: Browser, base: string, user: { email: string; password: string }): Promise<Page> {
  const page = await browser.newPage({ baseURL: base, viewport: { width: 1440, height: 900 } });
  // tsx names functions with an `__name` helper that does not exist in the page.
  await page.addInitScript("globalThis.__name = (f) => f");
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("user-menu").waitFor();
  return page;
}

export async function runBrowserBench(bench: BrowserBench): Promise<void> {
  const dataDir = path.join(root, ".data", bench.name);
  fs.mkdirSync(dataDir, { recursive: true });
  const pg = await startEmbedded({ dir: path.join(dataDir, "postgres"), port: bench.pgPort, database: "postgres", logFile: path.join(dataDir, "postgres.log") });
  const user = { email: "bench@demo.test", password: randomBytes(12).toString("hex") };
  let server: ChildProcess | undefined;
  try {
    await runMigrations(pg.url);
    const sql = connect(pg.url, { max: 2 });
    try {
      await seedTenants(sql);
      await bench.prepare(sql, pg.url);
      await sql`VACUUM ANALYZE spans`;
      const hash = await hashPassword(user.password);
      await sql`INSERT INTO users (email, name, password_hash, role) VALUES (${user.email}, 'bench', ${hash}, 'investigator')
                ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash`;
    } finally {
      await sql.end({ timeout: 5 });
    }
    server = spawn(process.execPath, [...TSX_NODE_ARGS, path.join(root, "scripts/start.ts"), "start"], {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, PORT: String(bench.port), DATABASE_URL: pg.url, AUTH_SECRET: randomBytes(32).toString("base64"), AUDIT_HMAC_KEY: randomBytes(32).toString("base64"), LOG_LEVEL: "warn" },
    });
    const base = `http://localhost:${bench.port}`;
    await waitFor(`${base}/api/health`, server, 600_000);
    const chromiumPath = process.env.CHROMIUM_PATH ?? (fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      await bench.run(await signedInPage(browser, base, user));
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

/** Milliseconds from the start of a navigation to `path` until `selector` is in the page (median of `runs`). */
export async function navigationMs(page: Page, path: string, selector: string, runs: number): Promise<number> {
  return (await navigationTimes(page, path, selector, runs)).ms;
}

/**
 * navigationMs, and with `probe` (a page expression read after each navigation) the median of
 * what it reads too: a time the page itself recorded, which the harness's polling for the
 * selector cannot delay.
 */
export async function navigationTimes(page: Page, path: string, selector: string, runs: number, probe?: string): Promise<{ ms: number; probeMs: number }> {
  const times: number[] = [];
  const probed: number[] = [];
  for (let run = 0; run < runs; run++) {
    await page.goto(path, { waitUntil: "commit" });
    await page.waitForSelector(selector, { timeout: 60_000 });
    times.push(await page.evaluate(() => performance.now()));
    if (probe) probed.push(Number(await page.waitForFunction(probe, undefined, { timeout: 60_000 }).then((h) => h.jsonValue())));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  return { ms: median(times), probeMs: median(probed) };
}
