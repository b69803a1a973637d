import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startEmbedded } from "../../db/embedded";
import { runMigrations } from "../../db/migrate";
import { serverNodeOptions } from "../../lib/ingest/otlp-http/node-server";
import { TSX_NODE_ARGS } from "../../scripts/node/tsx";

/** A running ingest server the ingest benchmarks post OTLP/HTTP to, and its database. */
export interface IngestTarget {
  url: string;
  databaseUrl: string;
  stop: () => Promise<void>;
}

export async function waitFor(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`no answer from ${url} within ${timeoutMs / 1000} s`);
}

export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/**
 * The app's ingest handler on node:http (serve-ingest.ts) in a child process, so client and
 * server do not share a thread, over a fresh embedded Postgres in `dataDir`.
 */
export async function startNodeIngestServer(options: { dataDir: string; port: number; pgPort: number }): Promise<IngestTarget> {
  const pgDir = path.join(options.dataDir, "postgres");
  fs.rmSync(pgDir, { recursive: true, force: true });
  const pg = await startEmbedded({ dir: pgDir, port: options.pgPort, database: "bench", logFile: path.join(options.dataDir, "postgres.log") });
  await runMigrations(pg.url);
  const child = spawn(process.execPath, [...TSX_NODE_ARGS, fileURLToPath(new URL("serve-ingest.ts", import.meta.url))], {
    stdio: ["ignore", "inherit", "inherit"],
    // The Node settings the app's server runs with (scripts/startup/next-server.ts).
    env: { ...process.env, DATABASE_URL: pg.url, PORT: String(options.port), NODE_OPTIONS: serverNodeOptions(process.env.NODE_OPTIONS) },
  });
  await waitFor(`http://127.0.0.1:${options.port}/`, child, 60_000);
  return {
    url: `http://127.0.0.1:${options.port}/v1/traces`,
    databaseUrl: pg.url,
    stop: async () => {
      await stopChild(child);
      await pg.stop();
    },
  };
}

/** One protobuf export; resolves with the HTTP status. */
export function postOtlp(agent: http.Agent, url: URL, body: Uint8Array, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/x-protobuf", "content-length": body.byteLength, authorization: `Bearer ${key}` },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Posts until accepted, retrying 429/503 after a pause as the OTLP exporters do; any other answer throws. */
export async function exportOtlp(agent: http.Agent, url: URL, body: Uint8Array, key: string): Promise<void> {
  for (let status = await postOtlp(agent, url, body, key); status !== 200; status = await postOtlp(agent, url, body, key)) {
    if (status !== 429 && status !== 503) throw new Error(`ingest answered ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
