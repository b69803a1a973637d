import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { connect, makeDb, type Sql } from "../db/connect";
import { CopyWriter } from "../db/span-codec/copy-stream";
import { defaultIngestConfig } from "../lib/ingest/otlp-http/config";
import { decodeProtobuf } from "../lib/ingest/traces/decode-protobuf";
import { enforceTenants, type TenantPolicy } from "../lib/ingest/traces/enforce-tenant";
import { createIngestKey } from "../lib/ingest/otlp-http/keys";
import { normalizeRequest } from "../lib/ingest/traces/normalize";
import { Redactor } from "../lib/ingest/otlp-http/redact";
import { SPAN_COLUMNS, spanCopyText } from "../lib/ingest/traces/span-copy";
import { encodeRequest, syntheticRequest } from "../lib/ingest/testing/synthetic";
import { percentile } from "../lib/latency/percentile";
import { TSX_NODE_ARGS } from "../scripts/node/tsx";
import { exportOtlp, startNodeIngestServer, stopChild, waitFor, type IngestTarget } from "./lib/ingest-target";
import { descendantCpuSeconds } from "./lib/process-cpu";

// End-to-end OTLP/HTTP ingest throughput against a raw COPY of the same rows into the same
// table, in one run on one database.
//
//   npm run bench -- ingest                               the real Next production server
//                                                         (scripts/start.ts start, fresh data dir)
//   INGEST_BENCH_SERVER=otlp-port npm run bench -- ingest the same app, posting to its OTLP port
//                                                         (INGEST_OTLP_PORT, outside Next's pipeline)
//   INGEST_BENCH_SERVER=node npm run bench -- ingest      the same handler on plain node:http
//
// Load: INGEST_BENCH_EXPORTERS concurrent clients (keep-alive), each posting
// INGEST_BENCH_BATCH-span protobuf bodies back to back, INGEST_BENCH_SPANS spans in total, all
// ids unique; bodies are encoded before timing starts. Baseline: the same requests decoded and
// normalised (untimed) into the same `spans` rows, COPYed over one connection (TCP_NODELAY, as
// every connection from db/connect.ts),
// in INGEST_BENCH_COPY_ROWS-row transactions (the best case), then in request-sized ones.
// Tables are truncated and checkpointed before each phase. CPU time of the Postgres and
// server processes during the ingest phase is read from /proc, with this process's (the load
// generator), and Postgres's during the raw COPY: where the two cores went.

const env = (name: string, fallback: number) => Number(process.env[`INGEST_BENCH_${name}`] ?? fallback);
const SPANS = env("SPANS", 200_000);
const BATCH = env("BATCH", 512);
const EXPORTERS = env("EXPORTERS", 4);
const COPY_ROWS = env("COPY_ROWS", 8192);
const SERVER = process.env.INGEST_BENCH_SERVER === "node" ? "node" : process.env.INGEST_BENCH_SERVER === "otlp-port" ? "otlp-port" : "next";
const TENANTS = ["acme", "globex", "initech"];
const SPANS_PER_TRACE = 16;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = path.join(root, ".data", "bench-ingest");
const PORT = env("PORT", 3190);
const PG_PORT = env("PG_PORT", 54381);
const OTLP_PORT = env("OTLP_PORT", 4391);

const log = (line: string) => console.log(`[bench/ingest] ${line}`);

/** The real app: scripts/start.ts start on a fresh data folder (its own embedded Postgres). */
async function startNextServer(): Promise<IngestTarget> {
  const appDir = path.join(dataDir, "app");
  fs.rmSync(appDir, { recursive: true, force: true });
  const child = spawn(process.execPath, [...TSX_NODE_ARGS, path.join(root, "scripts/start.ts"), "start"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env, PORT: String(PORT), TE_DATA_DIR: appDir, EMBEDDED_PG_PORT: String(PG_PORT), DEMO_TRACES: "1", DATABASE_URL: "",
      ...(SERVER === "otlp-port" ? { INGEST_OTLP_PORT: String(OTLP_PORT) } : {}),
    },
  });
  await waitFor(`http://127.0.0.1:${PORT}/api/health`, child, 600_000);
  return {
    url: `http://127.0.0.1:${SERVER === "otlp-port" ? OTLP_PORT : PORT}/v1/traces`,
    databaseUrl: fs.readFileSync(path.join(appDir, "database-url"), "utf8").trim(),
    stop: () => stopChild(child),
  };
}

async function truncate(sql: Sql): Promise<void> {
  await sql`TRUNCATE spans, traces, resources, ingest_counters, trace_sampling_pending`;
  await sql`VACUUM ANALYZE spans`;
  await sql`CHECKPOINT`;
}

interface Run {
  spans: number;
  seconds: number;
  latenciesMs: number[];
}

interface CopyRun extends Run {
  /** CPU seconds of the Postgres processes meanwhile, read before the COPY's backend exits. */
  postgresCpu: number;
}

async function runHttp(url: string, bodies: Uint8Array[], key: string): Promise<Run> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: EXPORTERS });
  const target = new URL(url);
  const latenciesMs: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: EXPORTERS }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const t0 = performance.now();
        await exportOtlp(agent, target, body, key);
        latenciesMs.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { spans: bodies.length * BATCH, seconds, latenciesMs };
}

async function runCopy(databaseUrl: string, rows: string[], batch: number): Promise<CopyRun> {
  // Raw COPY at its best: TCP_NODELAY (db/connect.ts), as the superuser (no row-level security).
  const sql = connect(databaseUrl, { max: 1 });
  await sql`SELECT 1`;
  const latenciesMs: number[] = [];
  const cpuBefore = descendantCpuSeconds(["postgres"]);
  const started = performance.now();
  for (let i = 0; i < rows.length; i += batch) {
    const t0 = performance.now();
    await sql.begin(async (tx) => {
      const copy = await CopyWriter.open(tx, `COPY spans (${SPAN_COLUMNS}) FROM STDIN`);
      copy.write(rows.slice(i, i + batch).join(""));
      await copy.end();
    });
    latenciesMs.push(performance.now() - t0);
  }
  const seconds = (performance.now() - started) / 1000;
  const postgresCpu = descendantCpuSeconds(["postgres"]) - cpuBefore;
  await sql.end();
  return { spans: rows.length, seconds, latenciesMs, postgresCpu };
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0]!.toFixed(1);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  fs.chmodSync(dataDir, 0o755);
  log(`server: ${SERVER === "node" ? "node:http with the same handler" : `Next production server (scripts/start.ts start)${SERVER === "otlp-port" ? ", posting to its OTLP port" : ""}`}`);
  const target = SERVER === "node" ? await startNodeIngestServer({ dataDir, port: PORT, pgPort: PG_PORT }) : await startNextServer();
  const sql = connect(target.databaseUrl, { max: 2 });
  const db = makeDb(target.databaseUrl, { max: 1 });
  try {
    for (const id of TENANTS) await sql`INSERT INTO tenants (id, name) VALUES (${id}, ${id}) ON CONFLICT (id) DO NOTHING`;
    const { key } = await createIngestKey(db, { tenantId: null, name: "bench collector" });

    const batches = Math.ceil(SPANS / BATCH);
    log(`encoding ${batches} requests of ${BATCH} spans…`);
    const startMs = Date.now() - 60_000;
    const requests = Array.from({ length: batches }, (_, i) =>
      syntheticRequest({ spans: BATCH, tenants: TENANTS, spansPerTrace: SPANS_PER_TRACE, startMs: startMs + i }),
    );
    const bodies = requests.map(encodeRequest);
    const warmup = Array.from({ length: 40 }, (_, i) => encodeRequest(syntheticRequest({ spans: BATCH, tenants: TENANTS, spansPerTrace: SPANS_PER_TRACE, startMs: startMs - 1000 - i })));

    // The baseline's rows: exactly what ingest stores for the same requests.
    const redactor = new Redactor(defaultIngestConfig.redaction);
    const tenants = new Map<string, TenantPolicy>(TENANTS.map((id) => [id, { id, keptRetentionDays: 30, slowThresholdMs: 2000, keepRatio: 1 }]));
    const rows = bodies.map((body) => {
      const entries = normalizeRequest(decodeProtobuf(body), redactor, defaultIngestConfig.limits.span);
      const { accepted } = enforceTenants(entries, { key: { keyId: "bench", tenantId: null }, tenants, storedTenants: new Map(), now: new Date(), futureToleranceMs: 86_400_000 });
      return spanCopyText(accepted);
    });
    const copyRows = rows.flatMap((text) => text.split(/(?<=\n)/));

    log("warming up…");
    await runHttp(target.url, warmup, key);
    await truncate(sql);

    log(`raw COPY of ${copyRows.length} rows in ${COPY_ROWS}-row transactions, then in ${BATCH}-row ones…`);
    const copy = await runCopy(target.databaseUrl, copyRows, COPY_ROWS);
    await truncate(sql);
    const smallCopy = await runCopy(target.databaseUrl, copyRows, BATCH);
    await truncate(sql);

    log(`POST /v1/traces: ${batches} requests, ${EXPORTERS} concurrent exporters…`);
    const cpuBefore = { pg: descendantCpuSeconds(["postgres"]), server: descendantCpuSeconds(["node", "next-server"]), client: process.cpuUsage() };
    const ingest = await runHttp(target.url, bodies, key);
    const client = process.cpuUsage(cpuBefore.client);
    const cpu = {
      pg: descendantCpuSeconds(["postgres"]) - cpuBefore.pg,
      server: descendantCpuSeconds(["node", "next-server"]) - cpuBefore.server,
      client: (client.user + client.system) / 1e6,
    };
    const [stored] = await sql<{ spans: number; traces: number }[]>`SELECT (SELECT count(*) FROM spans)::int AS spans, (SELECT count(*) FROM traces)::int AS traces`;
    if (stored!.spans !== ingest.spans) throw new Error(`stored ${stored!.spans} spans, sent ${ingest.spans}`);

    const copyRate = copy.spans / copy.seconds;
    const smallCopyRate = smallCopy.spans / smallCopy.seconds;
    const ingestRate = ingest.spans / ingest.seconds;
    const lines = [
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average ${loadAtStart} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end`,
      `server: ${SERVER}; ${EXPORTERS} exporters × ${BATCH}-span protobuf batches; ${ingest.spans} spans, ${stored!.traces} traces`,
      `raw COPY (${COPY_ROWS}-row batches): ${Math.round(copyRate)} spans/s; in ${BATCH}-row batches: ${Math.round(smallCopyRate)} spans/s`,
      `POST /v1/traces end to end: ${Math.round(ingestRate)} spans/s = ${((100 * ingestRate) / copyRate).toFixed(0)}% of raw COPY (${((100 * ingestRate) / smallCopyRate).toFixed(0)}% of ${BATCH}-row COPY)`,
      `CPU during the ingest run: postgres ${((1e6 * cpu.pg) / ingest.spans).toFixed(1)} µs/span, server ${((1e6 * cpu.server) / ingest.spans).toFixed(1)} µs/span, load generator ${((1e6 * cpu.client) / ingest.spans).toFixed(1)} µs/span; postgres during the raw COPY ${((1e6 * copy.postgresCpu) / copy.spans).toFixed(1)} µs/row`,
      `latency per ${BATCH}-span batch: p50 ${percentile(ingest.latenciesMs, 50).toFixed(1)} ms, p99 ${percentile(ingest.latenciesMs, 99).toFixed(1)} ms, max ${Math.max(...ingest.latenciesMs).toFixed(1)} ms`,
    ];
    for (const line of lines) log(line);
  } finally {
    await sql.end();
    await db.$client.end();
    await target.stop();
  }
}

await main();
