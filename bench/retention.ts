import path from "node:path";
import { fileURLToPath } from "node:url";
import { connect, makeDb, type Sql } from "../db/connect";
import { startEmbedded } from "../db/embedded";
import { runMigrations } from "../db/migrate";
import { defaultIngestConfig } from "../lib/ingest/otlp-http/config";
import { createIngestHandler } from "../lib/ingest/signals";
import { createIngestKey } from "../lib/ingest/otlp-http/keys";
import { serveHandler } from "../lib/ingest/otlp-http/node-server";
import { encodeRequest, syntheticRequest } from "../lib/ingest/testing/synthetic";
import { detachAndDrop, listSpanPartitions } from "../lib/retention/partitions";
import { purgeExpiredTraces } from "../lib/retention/purge-traces";
import { runRetention } from "../lib/retention/run";
import { loadTenantPolicies } from "../lib/retention/tenants";
import { RETENTION_LOCK_KEY } from "../lib/retention/transaction";
import { percentile } from "./lib/percentile";

// ADR-010 purge costs, on a scratch database of this benchmark's own embedded cluster:
//
// 1. One day of RETENTION_BENCH_SPANS spans (default 1,000,000: 100,000 traces of 10 spans)
//    removed by the purge's row path (purgeExpiredTraces: batches of 5,000 traces, spans and
//    summaries per transaction, then VACUUM to reclaim the space, ADR-010 rule 5) against the
//    same day dropped as a partition (DETACH CONCURRENTLY + DROP). Reported as a ratio.
// 2. Ingest latency (real handler on node:http, 2 exporters posting 200-span batches back to
//    back) with no purge running, then while a full run (runRetention) purges another such day
//    by rows: p50 and p99 of each and their ratio.
//
//   npm run bench -- retention        (BENCH_DB_PORT picks the cluster's port)

const SPANS = Number(process.env.RETENTION_BENCH_SPANS ?? 1_000_000);
const SPANS_PER_TRACE = 10;
const DAY_MS = 86_400_000;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const log = (line: string) => console.log(`[bench/retention] ${line}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** One UTC day, `daysBack` days ago, full of one tenant's traces: summaries and spans. */
async function seedDay(sql: Sql, tenant: string, daysBack: number): Promise<void> {
  const traces = Math.ceil(SPANS / SPANS_PER_TRACE);
  const day = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - daysBack * DAY_MS);
  await sql`SELECT ensure_span_partitions(${day.toISOString().slice(0, 10)}::date, ${day.toISOString().slice(0, 10)}::date)`;
  await sql`
    INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, span_count, services, has_error)
    SELECT ${tenant}, gen_random_uuid(), s, s + interval '1 second', 1000000000, ${SPANS_PER_TRACE}, '{api}', i % 10 = 0
    FROM generate_series(0, ${traces - 1}) AS i,
         LATERAL (SELECT ${day}::timestamptz + make_interval(secs => i * (86000.0 / ${traces})) AS s) AS st`;
  await sql`
    INSERT INTO spans (tenant_id, trace_id, span_id, parent_span_id, service, name, start_time, duration_ns, resource_id, attributes)
    SELECT t.tenant_id, t.trace_id, k + 1, CASE WHEN k = 0 THEN NULL ELSE 1 END, 'api', 'GET /api/projects/:id',
           t.start_time + make_interval(secs => k * 0.05), 50000000, 1, '{"http.method":"GET","http.status_code":200}'
    FROM traces t, generate_series(0, ${SPANS_PER_TRACE - 1}) AS k
    WHERE t.tenant_id = ${tenant}`;
  await sql`VACUUM ANALYZE spans, traces`;
}

/** Posts 200-span batches from 2 exporters until `until` resolves; returns request latencies. */
async function ingestLoad(endpoint: string, key: string, until: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let done = false;
  void until.then(() => (done = true));
  const exporter = async () => {
    while (!done) {
      const body = encodeRequest(syntheticRequest({ spans: 200, tenants: ["live"], spansPerTrace: 10, startMs: Date.now() - 60_000 }));
      const started = performance.now();
      const res = await fetch(endpoint, { method: "POST", headers: { "content-type": "application/x-protobuf", authorization: `Bearer ${key}` }, body: body as BodyInit });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all([exporter(), exporter()]);
  return latencies;
}

async function main() {
  const port = Number(process.env.BENCH_DB_PORT ?? 54347);
  const dir = path.join(root, ".data", "bench-retention");
  const server = await startEmbedded({ dir, port, database: "postgres", logFile: path.join(dir, "postgres.log") });
  const admin = connect(server.url, { max: 1 });
  const url = server.url.replace(/\/[^/]*$/, "/bench_retention");
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS bench_retention WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE bench_retention`);
    await runMigrations(url);
    const sql = connect(url, { max: 8 });
    await sql`
      INSERT INTO tenants (id, name, retention_days, kept_retention_days) VALUES
        ('rows', 'Deleted by rows', 3, 3), ('drop', 'Dropped by partition', 3, 3), ('live', 'Ingesting', 30, 60)`;
    await sql`INSERT INTO resources (tenant_id, id, attributes) SELECT id, 1, '{}' FROM tenants`;

    log(`Seeding ${SPANS.toLocaleString("en-US")} spans on each of two old days…`);
    await seedDay(sql, "rows", 10);
    await seedDay(sql, "drop", 11);

    const session = connect(url, { max: 1, applicationName: "bench-retention" });
    await session`SELECT pg_advisory_lock(${RETENTION_LOCK_KEY})`;
    const tenants = await loadTenantPolicies(session, new Date());

    let started = performance.now();
    const byRows = await purgeExpiredTraces(session, tenants.get("rows")!, { batchSize: 5000 });
    const deleteMs = performance.now() - started;
    started = performance.now();
    await session`VACUUM spans, traces`;
    const vacuumMs = performance.now() - started;

    const dropDay = `spans_p${new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - 11 * DAY_MS).toISOString().slice(0, 10).replaceAll("-", "")}`;
    const partition = (await listSpanPartitions(session)).find((p) => p.name === dropDay)!;
    started = performance.now();
    await detachAndDrop(session, partition);
    const dropMs = performance.now() - started;
    await session.end();
    log(`delete by rows: ${(byRows.standard.spans + byRows.kept.spans).toLocaleString("en-US")} spans in ${seconds(deleteMs)}, + VACUUM ${seconds(vacuumMs)}`);
    log(`drop partition ${dropDay}: ${seconds(dropMs)}`);
    log(`ratio: delete / drop = ${(deleteMs / dropMs).toFixed(0)}x; (delete + vacuum) / drop = ${((deleteMs + vacuumMs) / dropMs).toFixed(0)}x`);

    // Ingest latency without and with a purge by rows in progress: the day gets one trace of
    // "live" (60-day retention), so it cannot be dropped whole and the run deletes by rows.
    await seedDay(sql, "rows", 10);
    await sql`
      INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, span_count, services)
      SELECT 'live', gen_random_uuid(), min(start_time), min(start_time), 0, 1, '{api}' FROM traces WHERE tenant_id = 'rows'`;
    await sql`
      INSERT INTO spans (tenant_id, trace_id, span_id, service, name, start_time, duration_ns, resource_id)
      SELECT tenant_id, trace_id, 1, 'api', 'keep', start_time, 0, 1 FROM traces WHERE tenant_id = 'live'`;
    const db = makeDb(url, { max: 2 });
    const key = (await createIngestKey(db, { tenantId: "live" })).key;
    const ingest = await serveHandler(createIngestHandler({ sql, config: { ...defaultIngestConfig, keyCacheMs: 60_000 } }));
    const endpoint = `${ingest.url}/v1/traces`;
    const quiet = await ingestLoad(endpoint, key, new Promise((r) => setTimeout(r, 15_000)));
    let run: Awaited<ReturnType<typeof runRetention>> | undefined;
    started = performance.now();
    const purge = runRetention({ sql, url }, { trigger: "bench" }).then((r) => (run = r));
    const busy = await ingestLoad(endpoint, key, purge);
    const runMs = performance.now() - started;
    await ingest.close();
    await db.$client.end();
    await sql.end();
    if (!run || run.status !== "completed") throw new Error(`the purge did not complete: ${JSON.stringify(run)}`);
    const p = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(0)} ms, p99 ${percentile(xs, 99).toFixed(0)} ms (${xs.length} requests)`;
    log(`ingest, no purge:      ${p(quiet)}`);
    const removed = run.counts.tenants.rows!;
    log(`ingest, during purge:  ${p(busy)}`);
    log(`the run took ${seconds(runMs)}: ${(removed.standard.spans + removed.kept.spans).toLocaleString("en-US")} spans deleted by rows, ${run.partitionsDropped.length} partitions dropped`);
    log(`p99 during / without purge: ${(percentile(busy, 99) / percentile(quiet, 99)).toFixed(2)}x`);
  } finally {
    await admin.unsafe(`DROP DATABASE IF EXISTS bench_retention WITH (FORCE)`).catch(() => {});
    await admin.end({ timeout: 5 });
    await server.stop();
  }
}

await main();
