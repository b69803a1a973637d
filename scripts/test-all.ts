import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { TSX_NODE_ARGS } from "./node/tsx";

/**
 * `npm test`: typecheck, lint, vitest, Playwright against a production build, then a
 * one-minute soak on that build. Ends with the one line CI reads, `N passed, N failed`, summed
 * from the runners' JSON reports (the typecheck, the lint and the soak count as one check each).
 */
const resultsDir = path.resolve(".data/test-results");
fs.rmSync(resultsDir, { recursive: true, force: true });
fs.mkdirSync(resultsDir, { recursive: true });

const bin = (name: string) => path.resolve("node_modules/.bin", name);
const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
let passed = 0;
let failed = 0;

function run(label: string, command: string, args: string[]): boolean {
  console.log(`\n=== ${label} ===`);
  const result = spawnSync(command, args, { stdio: "inherit", env });
  return result.status === 0;
}

function check(label: string, command: string, args: string[]): void {
  if (run(label, command, args)) passed++;
  else failed++;
}

/** Runs a check in the background; its output is printed as one block when it ends, so two never interleave. */
function checkAsync(label: string, command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => {
      console.log(`\n=== ${label} ===\n${output}`);
      resolve(code === 0);
    });
  });
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

// The two static checks side by side: each keeps one core busy, and CI has a time limit.
const [typechecked, linted] = await Promise.all([checkAsync("typecheck", bin("tsc"), ["--noEmit"]), checkAsync("lint", bin("eslint"), ["--max-warnings", "0", "."])]);
for (const ok of [typechecked, linted]) {
  if (ok) passed++;
  else failed++;
}
// The production build Playwright makes need not typecheck what tsc has just passed (next.config.ts).
if (typechecked) env.TE_TYPECHECKED = "1";

/** A vitest run, its tests counted one by one from its JSON report. */
function vitestCheck(label: string, report: string, args: string[]): void {
  const json = path.join(resultsDir, report);
  const ok = run(label, bin("vitest"), ["run", ...args, "--reporter=default", "--reporter=json", `--outputFile.json=${json}`]);
  const result = readJson<{ numPassedTests: number; numFailedTests: number }>(json);
  passed += result?.numPassedTests ?? 0;
  failed += result?.numFailedTests ?? 0;
  if (!ok && (result?.numFailedTests ?? 0) === 0) failed++; // a crash before any test ran
}

vitestCheck("vitest", "vitest.json", []);
// The tracing library's own tests (`npm test -w packages/tracing`), on its own embedded Postgres.
vitestCheck("vitest (packages/tracing)", "vitest-tracing.json", ["--root", "packages/tracing"]);

const e2eOk = run("playwright", bin("playwright"), ["test"]);
const e2e = readJson<{ stats: { expected: number; unexpected: number; flaky: number } }>(
  path.join(resultsDir, "playwright.json"),
);
passed += (e2e?.stats.expected ?? 0) + (e2e?.stats.flaky ?? 0);
failed += e2e?.stats.unexpected ?? 0;
if (!e2eOk && (e2e?.stats.unexpected ?? 0) === 0) failed++;

// After Playwright, so it reuses the production build Playwright's server made; its own ports.
// Without the adversary: this minute is about the restart, on a machine CI shares; the
// adversary's guarantees have their own tests (lib/traces/trace/stalled-downloads, lib/ingest/ingest.drip).
check("soak (1 minute, Postgres restarted mid-run)", process.execPath, [
  ...TSX_NODE_ARGS, "scripts/soak/run.ts", "--duration", "60", "--fault", "pg-restart", "--pg-down", "5", "--adversary", "off", "--json", path.join(resultsDir, "soak.json"),
]);

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
