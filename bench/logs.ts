import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { connect, makeDb } from "../db/connect";
import { startEmbedded } from "../db/embedded";
import { runMigrations } from "../db/migrate";
import { createIngestHandler } from "../lib/ingest/signals";
import { createIngestKey } from "../lib/ingest/otlp-http/keys";
import { serverNodeOptions } from "../lib/ingest/otlp-http/node-server";
import { percentile } from "../lib/latency/percentile";
import { postgresCpuByKind } from "./lib/process-cpu";
import { logsInWindow, logsOfTrace } from "../lib/logs/read";
import { opentelemetry } from "../lib/ingest/proto/otlp.js";
import { fixed64 } from "../lib/ingest/testing/synthetic";

// Log records: ingest throughput against a raw COPY of the same rows, then "logs of one trace"
// and a text search over a table of LOGS_BENCH_ROWS (10 million) records, in one run on its own
// embedded Postgres.
//
//   npm run bench -- logs
//   LOGS_BENCH_ROWS=0 npm run bench -- logs        ingest only, no large table and no queries
//
// Ingest: LOGS_BENCH_INGEST records in requests of LOGS_BENCH_BATCH records, from
// LOGS_BENCH_EXPORTERS concurrent clients, through the app's ingest handler in this process
// (decode, normalise, redaction, tenant rule, the all-or-nothing write): the path /v1/logs
// runs, without HTTP, with the app server's Node settings. Once with OTLP/JSON bodies, once with protobuf (the SDKs' default) bodies
// of the same records (LOGS_BENCH_ENCODINGS, default "json,protobuf"), each phase on emptied
// tables; bodies are encoded to bytes before timing starts, as an exporter sends them (session 9
// timed JSON bodies as strings, which the Request encoded inside the timed phase). Baseline: the rows the first phase stored, written out by the server with COPY TO,
// then the table emptied and the same rows COPYed in from that file. Both sides are measured as a
// running server would see them: after LOGS_BENCH_WARMUP untimed rounds, with autovacuum kept out
// of the phases (its cost for the rows printed apart) and the full-text index's pending list
// merged at the end of every phase; Postgres's CPU is split by process. The large table is built in SQL
// (generate_series), not through ingest, and its build time printed. Queries run under the
// reader role and a tenant viewer's scope, as the pages run them (lib/logs/read.ts).

const env = (name: string, fallback: number) => Number(process.env[`LOGS_BENCH_${name}`] ?? fallback);
const INGEST = env("INGEST", 100_000);
const BATCH = env("BATCH", 500);
const EXPORTERS = env("EXPORTERS", 4);
const ROWS = env("ROWS", 10_000_000);
const DAYS = env("DAYS", 7);
const RUNS = env("RUNS", 200);
// Untimed rounds of every encoding before the timed ones.
const WARMUP = env("WARMUP", 1);
const PG_PORT = env("PG_PORT", 54383);
const ENCODINGS = (process.env.LOGS_BENCH_ENCODINGS ?? "json,protobuf").split(",").map((e) => e.trim()) as Encoding[];
const DIR = path.resolve(process.env.LOGS_BENCH_DIR ?? ".data/bench-logs");
const TENANTS = ["acme", "globex", "initech"];
// One record in this many says "deadlock": a word rare enough to be worth an index.
const RARE_EVERY = 5000;
// In the cluster's data folder, which its server may write.
const COPY_FILE = path.join(DIR, "data", "bench-logs-copy.tsv");

const log = (line: string) => console.log(`[bench/logs] ${line}`);
const seconds = (started: number) => (performance.now() - started) / 1000;

type Encoding = "json" | "protobuf";
const CONTENT_TYPE: Record<Encoding, string> = { json: "application/json", protobuf: "application/x-protobuf" };

interface BenchRecord {
  ns: bigint;
  severityNumber: number;
  severityText: string;
  body: string;
  traceId: Buffer;
  spanId: Buffer;
  tenant: string;
}

function batchRecords(batch: number, nowNs: bigint): BenchRecord[] {
  return Array.from({ length: BATCH }, (_, i) => {
    const n = batch * BATCH + i;
    return {
      ns: nowNs - BigInt(n) * 1_000_000n,
      severityNumber: n % 10 === 0 ? 17 : 9,
      severityText: n % 10 === 0 ? "ERROR" : "INFO",
      body: n % RARE_EVERY === 0 ? `deadlock detected on orders row ${n}` : `request ${n} served in ${n % 900} ms`,
      traceId: randomBytes(16),
      spanId: randomBytes(8),
      tenant: TENANTS[n % TENANTS.length]!,
    };
  });
}

const attributesOf = (r: BenchRecord) => [
  { key: "tenant.id", value: { stringValue: r.tenant } },
  { key: "http.route", value: { stringValue: "/api/orders" } },
];
const RESOURCE = { attributes: [{ key: "service.name", value: { stringValue: "orders" } }] };

/** A request body as an exporter sends it: bytes, encoded before timing starts. */
function ingestBody(records: readonly BenchRecord[], encoding: Encoding): Uint8Array {
  if (encoding === "protobuf") {
    return opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.encode({
      resourceLogs: [
        {
          resource: RESOURCE,
          scopeLogs: [
            {
              logRecords: records.map((r) => ({
                timeUnixNano: fixed64(r.ns) as never,
                severityNumber: r.severityNumber,
                severityText: r.severityText,
                body: { stringValue: r.body },
                traceId: r.traceId,
                spanId: r.spanId,
                attributes: attributesOf(r),
              })),
            },
          ],
        },
      ],
    }).finish();
  }
  const logRecords = records.map((r) => ({
    timeUnixNano: r.ns.toString(),
    severityNumber: r.severityNumber,
    severityText: r.severityText,
    body: { stringValue: r.body },
    traceId: r.traceId.toString("hex"),
    spanId: r.spanId.toString("hex"),
    attributes: attributesOf(r),
  }));
  return Buffer.from(JSON.stringify({ resourceLogs: [{ resource: RESOURCE, scopeLogs: [{ logRecords }] }] }));
}

/** What one phase cost: its wall time, this process's CPU, its Postgres's by process kind, and the WAL it wrote. */
interface PhaseCost {
  seconds: number;
  nodeCpu: number;
  pgCpu: Map<string, number>;
  walBytes: number;
  fullPages: number;
}

type Sql = ReturnType<typeof connect>;

async function walPosition(sql: Sql) {
  // Backends report their WAL counts at most once a second, when idle.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const [wal] = await sql<{ bytes: string; fpi: string }[]>`SELECT (pg_current_wal_lsn() - '0/0')::text AS bytes, wal_fpi::text AS fpi FROM pg_stat_wal`;
  return { bytes: Number(wal!.bytes), fpi: Number(wal!.fpi) };
}

/**
 * Runs one phase and measures it. `settle` ends every phase, inside its time: it merges the
 * full-text index's pending list into the index, work the phase's rows leave to whichever
 * insert or vacuum comes next, and leave in different amounts depending on where the 4 MB
 * threshold (gin_pending_list_limit) fell.
 */
async function measure(sql: Sql, run: () => Promise<void>, settle: () => Promise<unknown>): Promise<PhaseCost> {
  const wal = await walPosition(sql);
  const pg = postgresCpuByKind();
  const node = process.cpuUsage();
  const started = performance.now();
  await run();
  await settle();
  const elapsed = seconds(started);
  const nodeCpu = process.cpuUsage(node);
  const pgAfter = postgresCpuByKind();
  const walAfter = await walPosition(sql);
  return {
    seconds: elapsed,
    nodeCpu: (nodeCpu.user + nodeCpu.system) / 1e6,
    pgCpu: new Map([...pgAfter].map(([kind, s]) => [kind, s - (pg.get(kind) ?? 0)])),
    walBytes: walAfter.bytes - wal.bytes,
    fullPages: walAfter.fpi - wal.fpi,
  };
}

const totalSeconds = (byKind: Map<string, number>) => [...byKind.values()].reduce((a, b) => a + b, 0);

/** Postgres's CPU a row in µs: the client backends (the statements) and the rest (WAL writer, checkpointer, background writer, reaped children). */
function postgresPerRow(cost: PhaseCost, rows: number): string {
  let backends = 0;
  let rest = 0;
  for (const [kind, s] of cost.pgCpu) {
    if (kind === "client backends") backends += s;
    else rest += s;
  }
  const us = (s: number) => ((s * 1e6) / rows).toFixed(1);
  return `Postgres ${us(backends + rest)} µs (client backends ${us(backends)}, other processes ${us(rest)}); WAL ${(cost.walBytes / rows).toFixed(0)} bytes and ${(cost.fullPages / rows).toFixed(3)} full pages a row`;
}

async function main() {
  const server = await startEmbedded({ dir: DIR, port: PG_PORT, database: "postgres", logFile: path.join(DIR, "postgres.log") });
  const admin = connect(server.url, { max: 1 });
  const url = server.url.replace(/\/[^/]*$/, "/bench_logs");
  await admin.unsafe(`DROP DATABASE IF EXISTS bench_logs WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE bench_logs`);
  await admin.end();
  await runMigrations(url);
  const sql = connect(url, { max: EXPORTERS + 2 });
  try {
    for (const t of TENANTS) await sql`INSERT INTO tenants (id, name) VALUES (${t}, ${t})`;
    await sql`SELECT ensure_log_partitions(current_date - ${DAYS + 1}::int, current_date + 1)`;
    const { key } = await createIngestKey(makeDb(url, { max: 1 }), { tenantId: null, name: "bench collector" });
    log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, load ${os.loadavg()[0]!.toFixed(1)}`);

    // Ingest through the handler, once per encoding, of the same records.
    const handler = createIngestHandler({ sql });
    const batches = Math.ceil(INGEST / BATCH);
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const records = Array.from({ length: batches }, (_, b) => batchRecords(b, nowNs));
    const empty = async () => {
      await sql`TRUNCATE log_records, resources, scopes, ingest_counters`;
      await sql`CHECKPOINT`;
    };
    const settle = () => sql`
      SELECT gin_clean_pending_list(i.indexrelid::regclass) FROM pg_index i JOIN pg_inherits h ON h.inhrelid = i.indrelid
      JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam WHERE h.inhparent = 'log_records'::regclass AND a.amname = 'gin'`;
    // As on a server that has been running: the pool's connections open (a new backend's first
    // statements cost it page faults and cache loads), and autovacuum off on the log partitions,
    // whose rows it would vacuum and analyse the same way however they were written: at its
    // one-minute naptime it landed inside an ingest phase in some runs and never inside the
    // shorter COPY. Its cost for these rows is measured once, after the phases.
    await Promise.all(Array.from({ length: EXPORTERS + 2 }, () => sql`SELECT pg_sleep(0.05)`));
    for (const { name } of await sql<{ name: string }[]>`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'log_records'::regclass`)
      await sql.unsafe(`ALTER TABLE ${name} SET (autovacuum_enabled = off)`);
    const send = async (bodies: readonly Uint8Array[], encoding: Encoding) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: EXPORTERS }, async () => {
          while (next < batches) {
            const body = bodies[next++]!;
            const res = await handler(new Request("http://ingest/v1/logs", { method: "POST", headers: { "content-type": CONTENT_TYPE[encoding], authorization: `Bearer ${key}` }, body: body as BodyInit }));
            if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
          }
        }),
      );
    };
    const bodiesOf = new Map(ENCODINGS.map((encoding) => [encoding, records.map((r) => ingestBody(r, encoding))]));
    // Untimed rounds first: the JIT's and the backends' warm-up went to whichever encoding ran
    // first (JSON, ~9 µs a record of handler and of Postgres CPU in session 11's runs).
    for (let round = 0; round < WARMUP; round++)
      for (const encoding of ENCODINGS) {
        await empty();
        await send(bodiesOf.get(encoding)!, encoding);
      }
    const ingestRates = new Map<Encoding, number>();
    const ingestCpu = new Map<Encoding, number>();
    const stored = batches * BATCH;
    fs.rmSync(COPY_FILE, { force: true });
    for (const encoding of ENCODINGS) {
      await empty();
      const cost = await measure(sql, () => send(bodiesOf.get(encoding)!, encoding), settle);
      const [counted] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM log_records`;
      if (counted!.n !== stored) throw new Error(`stored ${counted!.n} of ${stored}`);
      ingestRates.set(encoding, stored / cost.seconds);
      ingestCpu.set(encoding, cost.nodeCpu + totalSeconds(cost.pgCpu));
      log(`ingest ${encoding}: ${stored.toLocaleString("en-US")} records in ${cost.seconds.toFixed(1)} s = ${Math.round(stored / cost.seconds).toLocaleString("en-US")} records/s (${EXPORTERS} clients, ${BATCH} a request)`);
      log(`ingest ${encoding} CPU a record: handler ${((cost.nodeCpu * 1e6) / stored).toFixed(1)} µs, ${postgresPerRow(cost, stored)}`);
      // The baseline's rows: the first phase's, as stored.
      if (ingestRates.size === 1) await sql.unsafe(`COPY (SELECT * FROM log_records) TO '${COPY_FILE}'`);
    }

    // The same rows, COPYed: written to a file by the server, then read back by it (as the
    // cluster's superuser). No client round trips: the strictest baseline.
    await empty();
    const copy = await measure(sql, async () => void (await sql.unsafe(`COPY log_records FROM '${COPY_FILE}'`)), settle);
    fs.rmSync(COPY_FILE, { force: true });
    const copyRate = stored / copy.seconds;
    log(`raw COPY: the same ${stored.toLocaleString("en-US")} rows in ${copy.seconds.toFixed(1)} s = ${Math.round(copyRate).toLocaleString("en-US")} rows/s`);
    log(`raw COPY CPU a row: ${postgresPerRow(copy, stored)}`);
    // What the CPU counts alone predict, free of whatever else the machine runs: ingest spread
    // over both cores, the single COPY statement on one.
    const cores = Math.min(os.cpus().length, EXPORTERS);
    for (const [encoding, rate] of ingestRates)
      log(`ingest ${encoding} / COPY = ${(rate / copyRate).toFixed(2)} (target ≥ 0.40); by CPU per row, on ${cores} free cores: ${((cores * totalSeconds(copy.pgCpu)) / ingestCpu.get(encoding)!).toFixed(2)}`);
    const vacuum = await measure(sql, async () => void (await sql`VACUUM (ANALYZE) log_records`), async () => {});
    log(`VACUUM (ANALYZE) of those rows, as autovacuum would run it after either: ${vacuum.seconds.toFixed(1)} s, ${postgresPerRow(vacuum, stored)}`);
    if (ROWS <= 0) return;

    // The large table, built in SQL: the index dropped while filling and built after.
    await sql`TRUNCATE log_records`;
    const buildStarted = performance.now();
    await sql`DROP INDEX log_records_body_search_idx`;
    await sql.unsafe(`
      INSERT INTO log_records (tenant_id, time, record_id, severity_number, severity_text, body_type, body, resource_id, scope_id, trace_id, span_id)
      SELECT (ARRAY['acme','globex','initech'])[1 + i % 3],
             now() - (i::float8 / ${ROWS}) * interval '${DAYS} days',
             i, CASE WHEN i % 10 = 0 THEN 17 ELSE 9 END, CASE WHEN i % 10 = 0 THEN 'ERROR' ELSE 'INFO' END, 'string',
             to_jsonb(CASE WHEN i % ${RARE_EVERY} = 0 THEN 'deadlock detected on orders row ' || i ELSE 'request ' || i || ' served in ' || (i % 900) || ' ms' END),
             1, 1,
             -- Eight records a trace, written together.
             md5((i / 8)::text)::uuid, i
      FROM generate_series(1, ${ROWS}) AS i`);
    const filledS = seconds(buildStarted);
    await sql`CREATE INDEX log_records_body_search_idx ON log_records USING gin (to_tsvector('simple'::regconfig, coalesce(body #>> '{}', '')))`;
    await sql`VACUUM ANALYZE log_records`;
    log(`built ${ROWS.toLocaleString("en-US")} records over ${DAYS} days in ${seconds(buildStarted).toFixed(0)} s (rows ${filledS.toFixed(0)} s, then the full-text index and ANALYZE)`);

    // Queries, as a tenant viewer of acme.
    const scope = { all: false, tenantIds: ["acme"] } as const;
    const traceIds = await sql<{ t: string }[]>`
      SELECT replace(trace_id::text, '-', '') AS t FROM log_records WHERE tenant_id = 'acme' AND record_id % 9973 = 0 LIMIT ${RUNS}`;
    const time = async (fn: (i: number) => Promise<unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < RUNS + 10; i++) {
        const s = performance.now();
        await fn(i);
        if (i >= 10) samples.push(performance.now() - s);
      }
      return `p50 ${percentile(samples, 50).toFixed(1)} ms, p95 ${percentile(samples, 95).toFixed(1)} ms`;
    };
    log(`logs of one trace (${RUNS} traces): ${await time((i) => logsOfTrace(scope, { tenantId: "acme", traceId: traceIds[i % traceIds.length]!.t }, sql))} (target p95 < 50 ms)`);
    const day = { tenantIds: ["acme"], from: new Date(Date.now() - 86_400_000), to: new Date() };
    const week = { tenantIds: ["acme"], from: new Date(Date.now() - DAYS * 86_400_000), to: new Date() };
    log(`text search, rare word, last 24 h: ${await time(() => logsInWindow(scope, { ...day, text: "deadlock" }, sql))} (target p95 < 300 ms)`);
    log(`text search, rare word, ${DAYS} days: ${await time(() => logsInWindow(scope, { ...week, text: "deadlock" }, sql))}`);
    log(`text search, common word, ${DAYS} days: ${await time(() => logsInWindow(scope, { ...week, text: "served" }, sql))}`);
    log(`text search, rare word at error level, ${DAYS} days: ${await time(() => logsInWindow(scope, { ...week, text: "deadlock", minSeverity: 17 }, sql))}`);
  } finally {
    await sql.end({ timeout: 5 });
    await server.stop();
  }
}

// The handler runs in this process, so with the Node settings the app's server runs with (a
// young generation large enough for a request's decoded records), as bench/ingest.ts's server does.
const nodeOptions = serverNodeOptions(process.env.NODE_OPTIONS);
if (process.env.NODE_OPTIONS !== nodeOptions) {
  const run = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], { stdio: "inherit", env: { ...process.env, NODE_OPTIONS: nodeOptions } });
  process.exit(run.status ?? 1);
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
