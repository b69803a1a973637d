import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { connect, makeDb } from "../db/connect";
import { createIngestKey } from "../lib/ingest/otlp-http/keys";
import { largeTraceRequests } from "../lib/ingest/testing/large-trace";
import { encodeRequest } from "../lib/ingest/testing/synthetic";
import { percentile } from "../lib/latency/percentile";
import { exportOtlp, startNodeIngestServer } from "./lib/ingest-target";
import { descendantCpuSeconds } from "./lib/process-cpu";

// Ingest of one big trace, as a batch job's exporters send it: LARGE_TRACE_BENCH_SPANS spans
// (default 200,000) in LARGE_TRACE_BENCH_BATCH-span protobuf requests (default 2,000), posted
// one after another to the app's ingest handler on node:http (the `node` server of
// bench/ingest.ts) over a fresh embedded Postgres. A request's cost must not grow with what is
// already stored of its trace: the report compares the first and the last
// LARGE_TRACE_BENCH_WINDOW share of the requests (default 0.1).
//
//   npm run bench -- large-trace
//   LARGE_TRACE_BENCH_SPANS=1000000 npm run bench -- large-trace   the 1,000,000 spans

const env = (name: string, fallback: number) => Number(process.env[`LARGE_TRACE_BENCH_${name}`] ?? fallback);
const SPANS = env("SPANS", 200_000);
const BATCH = env("BATCH", 2_000);
const WINDOW = env("WINDOW", 0.1);
const PORT = env("PORT", 3193);
const PG_PORT = env("PG_PORT", 54384);
const TENANT = "acme";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = path.join(root, ".data", "bench-large-trace");
const log = (line: string) => console.log(`[bench/large-trace] ${line}`);

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The requests in ten consecutive groups (the last ones fewer when they do not divide), to show how cost moved as the trace grew. */
function tenths(xs: readonly number[]): number[][] {
  const size = Math.ceil(xs.length / 10);
  return Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));
}

async function main(): Promise<void> {
  if (!(SPANS >= 3 && BATCH >= 1 && WINDOW > 0 && WINDOW <= 0.5)) throw new Error("LARGE_TRACE_BENCH_SPANS ≥ 3, _BATCH ≥ 1 and 0 < _WINDOW ≤ 0.5, please");
  const loadAtStart = os.loadavg()[0]!.toFixed(1);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const target = await startNodeIngestServer({ dataDir, port: PORT, pgPort: PG_PORT });
  const sql = connect(target.databaseUrl, { max: 1 });
  const db = makeDb(target.databaseUrl, { max: 1 });
  try {
    await sql`INSERT INTO tenants (id, name) VALUES (${TENANT}, ${TENANT}) ON CONFLICT (id) DO NOTHING`;
    const { key } = await createIngestKey(db, { tenantId: TENANT, name: "bench batch job" });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const url = new URL(target.url);
    const startMs = Date.now() - 3_600_000;

    log("warming up with a 20,000-span trace…");
    for (const request of largeTraceRequests({ spans: 20_000, batch: BATCH, tenant: TENANT, startMs })) await exportOtlp(agent, url, encodeRequest(request), key);
    await sql`TRUNCATE spans, traces, span_rollup_delta, trace_sampling_pending`;
    await sql`CHECKPOINT`;

    const requests = Math.ceil(SPANS / BATCH);
    const n = Math.max(1, Math.round(requests * WINDOW));
    log(`one trace of ${SPANS} spans in ${requests} requests of ${BATCH} spans, one at a time…`);
    const latenciesMs: number[] = [];
    // CPU of the server and of Postgres over the first and the last n requests: unlike their
    // times, not inflated by whatever else runs on the machine meanwhile.
    const cpu = () => ({ pg: descendantCpuSeconds(["postgres"]), server: descendantCpuSeconds(["node"]) });
    const windows: { pg: number; server: number }[] = [];
    let mark = cpu();
    const started = performance.now();
    // Encoded just before it is sent, outside the timing: a 1,000,000-span trace's bodies need not fit in memory at once.
    for (const request of largeTraceRequests({ spans: SPANS, batch: BATCH, tenant: TENANT, startMs })) {
      const body = encodeRequest(request);
      if (latenciesMs.length === requests - n) mark = cpu();
      const t0 = performance.now();
      await exportOtlp(agent, url, body, key);
      latenciesMs.push(performance.now() - t0);
      if (latenciesMs.length === n || latenciesMs.length === requests) {
        const now = cpu();
        windows.push({ pg: ((now.pg - mark.pg) * 1000) / n, server: ((now.server - mark.server) * 1000) / n });
      }
      if (latenciesMs.length % Math.max(1, Math.round(requests / 10)) === 0) log(`  ${latenciesMs.length}/${requests} requests, the last took ${latenciesMs.at(-1)!.toFixed(0)} ms`);
    }
    const seconds = (performance.now() - started) / 1000;
    agent.destroy();

    const [stored] = await sql<{ spans: number; summarised: number }[]>`
      SELECT (SELECT count(*) FROM spans)::int AS spans, (SELECT coalesce(sum(span_count), 0) FROM traces)::int AS summarised`;
    if (stored!.spans !== SPANS || stored!.summarised !== SPANS) throw new Error(`sent ${SPANS} spans, stored ${stored!.spans}, summarised ${stored!.summarised}`);

    const first = latenciesMs.slice(0, n);
    const last = latenciesMs.slice(-n);
    const lines = [
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}; load average ${loadAtStart} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end`,
      `${SPANS} spans of one trace in ${latenciesMs.length} requests of ${BATCH}: ${seconds.toFixed(1)} s, ${Math.round(SPANS / seconds)} spans/s`,
      `first ${n} requests: mean ${mean(first).toFixed(0)} ms, p50 ${percentile(first, 50).toFixed(0)} ms; last ${n}: mean ${mean(last).toFixed(0)} ms, p50 ${percentile(last, 50).toFixed(0)} ms`,
      `last/first: ${(mean(last) / mean(first)).toFixed(2)}× by mean, ${(percentile(last, 50) / percentile(first, 50)).toFixed(2)}× by p50`,
      `CPU per request, first ${n} / last ${n}: Postgres ${windows[0]!.pg.toFixed(0)} / ${windows.at(-1)!.pg.toFixed(0)} ms (${(windows.at(-1)!.pg / windows[0]!.pg).toFixed(2)}×), ` +
        `server ${windows[0]!.server.toFixed(0)} / ${windows.at(-1)!.server.toFixed(0)} ms (${(windows.at(-1)!.server / windows[0]!.server).toFixed(2)}×)`,
      `mean by tenth of the requests (ms): ${tenths(latenciesMs).map((xs) => mean(xs).toFixed(0)).join(", ")}`,
    ];
    for (const line of lines) log(line);
  } finally {
    await sql.end();
    await db.$client.end();
    await target.stop();
  }
}

await main();
