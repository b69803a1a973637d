import { spawn, spawnSync, type ChildProcess, type StdioOptions } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { portIsFree, StartupError } from "../../db/embedded";
import { KEEP_ALIVE_TIMEOUT_MS } from "../../lib/ingest/otlp-http/node-server";
import { PEER_ADDRESS_HEADER } from "../../lib/security/client-address";

const NEXT_BIN = path.resolve("node_modules/next/dist/bin/next");
const APP_SERVER = path.resolve("scripts/startup/app-server.mjs");
// What the production build is made from: the app, and the workspace packages it bundles.
const SOURCE_DIRS = ["app", "components", "lib", "db", "packages", "public"];
const SOURCE_FILES = ["next.config.ts", "proxy.ts", "instrumentation.ts", "package.json", "postcss.config.mjs"];

export async function assertPortFree(port: number): Promise<void> {
  if (!(await portIsFree(port))) throw new StartupError(`Port ${port} is already in use. Stop what listens there, or start with PORT=<other port>.`);
}

function newestMtime(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(target)) {
    if (entry !== "node_modules") newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

/** When a file the production build is made from last changed. */
export function newestSourceChange(): number {
  return Math.max(...[...SOURCE_DIRS, ...SOURCE_FILES].map((p) => newestMtime(path.resolve(p))));
}

/** `npm start` builds first when there is no build or the sources changed since the last one. */
export function buildIfStale(log: (line: string) => void): void {
  const buildId = path.resolve(".next/BUILD_ID");
  const builtAt = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  if (builtAt > newestSourceChange()) return;
  log(builtAt === 0 ? "No production build yet: building…" : "Sources changed since the last build: rebuilding…");
  const build = spawnSync(process.execPath, [NEXT_BIN, "build"], { stdio: "inherit", env: process.env });
  if (build.status !== 0) throw new StartupError("next build failed; see the output above.");
}

/**
 * A young generation large enough that an ingest request's decoded spans die young instead of
 * being copied to the old one while the request waits for the database: about 40% less CPU per
 * span in ingest's decoding and normalising (BENCHMARKS.md, Ingest). Up to 3 × 64 MiB; a
 * --max-semi-space-size in NODE_OPTIONS wins.
 */
export function serverNodeOptions(current: string | undefined): string {
  if (current?.includes("--max-semi-space-size")) return current;
  return [current, "--max-semi-space-size=64"].filter(Boolean).join(" ");
}


/**
 * Next.js behind the app's own HTTP server (app-server.mjs), which tells the app each request's
 * socket address. `stdio` lets a harness (scripts/soak) send the server's output to a file
 * instead of its terminal.
 */
export function startNext(mode: "dev" | "start", port: number, env: NodeJS.ProcessEnv, stdio: StdioOptions = ["ignore", "inherit", "inherit"]): ChildProcess {
  const args = [APP_SERVER, mode, String(port), String(mode === "start" ? KEEP_ALIVE_TIMEOUT_MS : 0), PEER_ADDRESS_HEADER];
  return spawn(process.execPath, args, {
    stdio,
    env: { ...env, NODE_OPTIONS: serverNodeOptions(env.NODE_OPTIONS) },
  });
}

/** Resolves once /api/health answers at all (the app is up), or rejects after the timeout. */
export async function waitUntilServing(port: number, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new StartupError(`The Next.js server exited with code ${child.exitCode} before it was ready.`);
    try {
      const res = await fetch(`http://localhost:${port}/api/health`);
      if (res.status === 200 || res.status === 503) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new StartupError(`The app did not answer on port ${port} within ${timeoutMs / 1000} s.`);
}
