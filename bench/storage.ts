import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { isDeepStrictEqual } from "node:util";
import zlib from "node:zlib";
import { connect, type Sql } from "../db/connect";
import { startEmbedded } from "../db/embedded";
import { decodeColumns, decodeSegment } from "../lib/traces/segments/decode";
import { encodeSegment } from "../lib/traces/segments/encode";
import { DEFAULT_COMPRESSION, type Compression } from "../lib/traces/segments/compress";
import type { SegmentSpan, SegmentTrace } from "../lib/traces/segments/format";
import { generateDemoTraces, seedTenants } from "../scripts/demo/index";
import { Random } from "../scripts/demo/random";
import { sealTraces } from "../lib/traces/span-store/seal";
import { packRollupMinutes } from "../lib/ingest/derivations/pack-minutes";
import { freshDatabase } from "./lib/fresh-database";
import { copyRealisticSpans, realisticTrace } from "./lib/realistic-spans";
import { storageLines, traceStorage } from "./lib/trace-storage";

// `npm run bench -- storage` (issue 22 item 4): what trace data costs on disk as rows, and as
// sealed segments (lib/traces/segments), on two span mixes, each in a fresh database of this
// benchmark's own embedded cluster:
//   demo        one day of the demo generator's traffic (scripts/demo), STORAGE_BENCH_SPANS spans
//   realistic   20-40 attributes per span, exception events with stack traces (bench/lib/realistic-spans.ts),
//               STORAGE_BENCH_REALISTIC_SPANS spans
// For each: rows (spans partitions with TOAST and indexes; summaries, resources, scopes, rollups),
// the same spans as CSV sorted by trace and gzip'd (the baseline), and every trace encoded
// with each candidate codec: bytes, encode and decode time. The default codec's segments are then
// stored in a scratch table shaped like the sealed table will be, so Postgres's own overhead counts.
// Then the demo day is sealed by the product's sealer (sealTraces), timed, and every relation that
// holds trace data is measured before and after: heap, TOAST and each index, in bytes per span;
// last, the rollups' minute rows are packed into their hour rows (lib/ingest/derivations/pack-minutes.ts).
//
//   STORAGE_BENCH_PG_PORT (default 55724) picks the cluster's port.
//   STORAGE_BENCH_SEALED_ONLY=1 measures only the demo day before and after sealing (no codec
//   candidates, no realistic mix).

const DEMO_SPANS = Number(process.env.STORAGE_BENCH_SPANS ?? 300_000);
const REALISTIC_SPANS = Number(process.env.STORAGE_BENCH_REALISTIC_SPANS ?? 100_000);
const PORT = Number(process.env.STORAGE_BENCH_PG_PORT ?? 55724);
const DIR = path.resolve(process.env.STORAGE_BENCH_DIR ?? ".data/bench-storage");
const SEALED_ONLY = process.env.STORAGE_BENCH_SEALED_ONLY === "1";
const SEED = 12345;
const DAY_US = 86_400_000_000n;

const CANDIDATES: Compression[] = [
  { codec: "none" },
  { codec: "gzip", level: 1 },
  { codec: "gzip", level: 6 },
  { codec: "gzip", level: 9 },
  { codec: "brotli", level: 4 },
  { codec: "brotli", level: 6 },
  { codec: "brotli", level: 9 },
  { codec: "brotli", level: 11 },
];
const label = (c: Compression) => (c.codec === "none" ? "columns, no codec" : `${c.codec} ${c.level}`);
const isDefault = (c: Compression) => c.codec === DEFAULT_COMPRESSION.codec && c.level === DEFAULT_COMPRESSION.level;

const log = (line: string) => console.log(`[bench/storage] ${line}`);
const perSpan = (bytes: number, spans: number) => (bytes / spans).toFixed(1).padStart(7);
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");

/** Bytes of every relation that holds trace data, indexes and TOAST included. */
async function rowBytes(sql: Sql) {
  const [row] = await sql<{ spans: number; traces: number; resources: number; scopes: number; rollups: number; count: number }[]>`
    SELECT (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('spans'))::float8 AS spans,
           pg_total_relation_size('traces')::float8 AS traces,
           pg_total_relation_size('resources')::float8 AS resources,
           pg_total_relation_size('scopes')::float8 AS scopes,
           (pg_total_relation_size('span_rollup') + pg_total_relation_size('service_map_rollup'))::float8 AS rollups,
           (SELECT count(*) FROM spans)::float8 AS count`;
  return row!;
}

/**
 * The spans as CSV, sorted by trace, through gzip at its default level: the baseline.
 * On a connection of its own: postgres.js 3.4.9 keeps a COPY TO's connection after the stream
 * ends, and the next query on the pool waited for it forever.
 */
async function gzippedCsvBytes(url: string): Promise<number> {
  const sql = connect(url, { max: 1 });
  let bytes = 0;
  const counter = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done();
    },
  });
  const csv = await sql`COPY (SELECT * FROM spans ORDER BY tenant_id, trace_id, start_time, span_id) TO STDOUT (FORMAT csv)`.readable();
  await pipeline(csv, zlib.createGzip(), counter);
  await sql.end({ timeout: 1 });
  return bytes;
}

type SpanRecord = SegmentSpan & { tenantId: string; traceId: string };

/** Every trace's spans as the sealer will read them, one trace at a time. */
async function* tracesOf(sql: Sql): AsyncGenerator<SegmentTrace> {
  let current: SegmentTrace | null = null;
  const cursor = sql<SpanRecord[]>`
    SELECT tenant_id AS "tenantId", trace_id::text AS "traceId", span_id AS "spanId", parent_span_id AS "parentSpanId",
           trace_state AS "traceState", request_id AS "requestId", service, name, kind,
           (extract(epoch FROM start_time) * 1000000)::bigint AS "startUs", start_sub_us_ns AS "startSubUsNs", duration_ns AS "durationNs",
           status_code AS "statusCode", status_message AS "statusMessage", attributes, events, links,
           resource_id AS "resourceId", scope_id AS "scopeId", flags, dropped_attributes_count AS "droppedAttributesCount",
           dropped_events_count AS "droppedEventsCount", dropped_links_count AS "droppedLinksCount"
    FROM spans ORDER BY tenant_id, trace_id, start_time, span_id`.cursor(5_000);
  for await (const rows of cursor) {
    for (const { tenantId, traceId, ...span } of rows) {
      if (current && (current.tenantId !== tenantId || current.traceId !== traceId)) {
        yield current;
        current = null;
      }
      current ??= { tenantId, traceId, spans: [] };
      current.spans.push(span);
    }
  }
  if (current) yield current;
}

interface CodecResult {
  bytes: number;
  encodeMs: number;
  decodeMs: number;
  columnsMs: number;
}

/** Encodes every trace with every candidate; stores the default codec's segments in a scratch table. */
async function measureSegments(sql: Sql) {
  await sql`
    CREATE TABLE segment_probe (
      tenant_id text NOT NULL, trace_id uuid NOT NULL, seq smallint NOT NULL, day date NOT NULL,
      span_count integer NOT NULL, segment bytea NOT NULL, PRIMARY KEY (tenant_id, trace_id, seq))`;
  // Segments are compressed already: Postgres's own pglz would only spend time failing to shrink them.
  await sql`ALTER TABLE segment_probe ALTER segment SET STORAGE EXTERNAL`;
  const results = new Map<Compression, CodecResult>(CANDIDATES.map((c) => [c, { bytes: 0, encodeMs: 0, decodeMs: 0, columnsMs: 0 }]));
  let traces = 0;
  let spans = 0;
  let mismatches = 0;
  let pending: { tenant_id: string; trace_id: string; seq: number; day: string; span_count: number; segment: Buffer }[] = [];
  const flush = async () => {
    if (pending.length > 0) await sql`INSERT INTO segment_probe ${sql(pending)}`;
    pending = [];
  };
  for await (const trace of tracesOf(sql)) {
    traces++;
    spans += trace.spans.length;
    for (const c of CANDIDATES) {
      const r = results.get(c)!;
      let t = performance.now();
      const segment = encodeSegment(trace, c);
      r.encodeMs += performance.now() - t;
      r.bytes += segment.length;
      t = performance.now();
      const decoded = decodeSegment(segment);
      r.decodeMs += performance.now() - t;
      t = performance.now();
      decodeColumns(segment, { json: false });
      r.columnsMs += performance.now() - t;
      if (!isDefault(c)) continue;
      // The real rows, not only generated ones, must come back exactly.
      if (!isDeepStrictEqual(decoded, trace)) mismatches++;
      const day = new Date(Number(trace.spans[0]!.startUs / 1000n)).toISOString().slice(0, 10);
      pending.push({ tenant_id: trace.tenantId, trace_id: trace.traceId, seq: 0, day, span_count: trace.spans.length, segment: Buffer.from(segment) });
      if (pending.length >= 500) await flush();
    }
  }
  await flush();
  await sql`VACUUM ANALYZE segment_probe`;
  const [stored] = await sql<{ bytes: number }[]>`SELECT pg_total_relation_size('segment_probe')::float8 AS bytes`;
  return { traces, spans, mismatches, results, storedBytes: stored!.bytes };
}

async function report(name: string, url: string): Promise<void> {
  const sql = connect(url, { max: 2 });
  try {
    await reportOn(name, sql, url);
  } finally {
    await sql.end();
  }
}

async function reportOn(name: string, sql: Sql, url: string): Promise<void> {
  const rows = await rowBytes(sql);
  const n = rows.count;
  const csv = await gzippedCsvBytes(url);
  const seg = await measureSegments(sql);
  if (seg.spans !== n) throw new Error(`read ${seg.spans} spans back, the table holds ${n}`);
  const others = rows.traces + rows.resources + rows.scopes + rows.rollups;
  log(`${name}: ${n.toLocaleString("en-US")} spans in ${seg.traces.toLocaleString("en-US")} traces (load ${load()})`);
  log(`  bytes per span                        `);
  log(`  rows: spans partitions (heap+TOAST+idx) ${perSpan(rows.spans, n)}`);
  log(`        trace summaries                   ${perSpan(rows.traces, n)}`);
  log(`        resources + scopes + rollups      ${perSpan(rows.resources + rows.scopes + rows.rollups, n)}`);
  log(`        all trace data as rows            ${perSpan(rows.spans + others, n)}`);
  log(`  gzip'd CSV of the spans, by trace       ${perSpan(csv, n)}`);
  log(`  segments (sum of encoded sizes), encode and decode time for all ${seg.traces.toLocaleString("en-US")} traces:`);
  for (const c of CANDIDATES) {
    const r = seg.results.get(c)!;
    const ms = (v: number) => `${(v / 1000).toFixed(2)} s`.padStart(8);
    log(
      `    ${label(c).padEnd(18)} ${perSpan(r.bytes, n)} B/span  ${(r.bytes / csv).toFixed(2)}x CSV.gz  encode ${ms(r.encodeMs)}  decode rows ${ms(r.decodeMs)}  columns ${ms(r.columnsMs)}${isDefault(c) ? "  <- default" : ""}`,
    );
  }
  log(`  default codec's segments stored in a table (row, TOAST, primary key) ${perSpan(seg.storedBytes, n)}`);
  log(`  all trace data once sealed (segments table + summaries + resources, scopes, rollups) ${perSpan(seg.storedBytes + others, n)}`);
  log(`  rows that did not come back exactly: ${seg.mismatches}`);
  if (seg.mismatches > 0) process.exitCode = 1;
}

/** Rows per grain of each minute rollup, hour rows holding packed minutes and how many. */
function rollupGrains(sql: Sql) {
  return sql<{ rollup: string; grain: number; rows: number; packed: number; minutes: number }[]>`
    SELECT rollup, grain, count(*)::int AS rows, count(n)::int AS packed, coalesce(sum(n), 0)::int AS minutes
    FROM (SELECT 'span_rollup' AS rollup, grain, cardinality(minutes) AS n FROM span_rollup
          UNION ALL SELECT 'service_map_rollup', grain, cardinality(minutes) FROM service_map_rollup) r
    GROUP BY 1, 2 ORDER BY 1 DESC, 2`;
}

/**
 * Seals every trace of the demo day with the product's sealer and prints each trace-data
 * relation's bytes per span before and after. Every trace is queued as ingest would have queued
 * it, and the sealer runs an hour and a half ahead, so no summary is rewritten to look quiet.
 */
async function sealDemo(url: string): Promise<void> {
  const sql = connect(url, { max: 2 });
  try {
    const before = await traceStorage(sql);
    const spans = before.find((r) => r.relation === "spans")!.rows;
    await sql`INSERT INTO trace_seal_pending (tenant_id, trace_id) SELECT tenant_id, trace_id FROM traces ON CONFLICT DO NOTHING`;
    const now = new Date(Date.now() + 90 * 60_000);
    const started = performance.now();
    const sealed = { traces: 0, spans: 0, segments: 0, failed: 0 };
    for (;;) {
      const run = await sealTraces(url, { now, quietMinutes: 60, maxTraces: 5_000 });
      if (!run) throw new Error("another sealer holds the lock");
      sealed.traces += run.traces;
      sealed.spans += run.spans;
      sealed.segments += run.segments;
      sealed.failed += run.failed.length;
      if (run.traces === 0) break;
    }
    const sealMs = performance.now() - started;
    // The deleted rows' heap pages go (with index cleanup forced: vacuum skips it when few pages
    // hold dead items, and those pages then keep the emptied heap from being truncated); an
    // index keeps its pages.
    await sql.unsafe("VACUUM (INDEX_CLEANUP ON, ANALYZE)");
    const vacuumed = await traceStorage(sql);
    // In the product a day's partition is sealed minutes behind its inserts, which reuse the
    // pages vacuum frees, so its indexes stay near the size of the rows it holds; here the whole
    // day was sealed at once, and only rebuilding them shows that size.
    await sql.unsafe("REINDEX TABLE spans");
    const reindexed = await traceStorage(sql);
    // The rollups as compact as a rebuild leaves them, then with every ended hour's minutes
    // packed (lib/ingest/derivations/pack-minutes.ts), rewritten for the same reason as the
    // spans' indexes: in the product new rows reuse the space the packed minute rows leave.
    const rollups = ["span_rollup", "service_map_rollup"];
    await sql.unsafe(`VACUUM (FULL, ANALYZE) ${rollups.join(", ")}`);
    const rewritten = await traceStorage(sql);
    const grainsBefore = await rollupGrains(sql);
    const packStarted = performance.now();
    const packed = await packRollupMinutes(sql, now);
    const packMs = performance.now() - packStarted;
    await sql.unsafe(`VACUUM (FULL, ANALYZE) ${rollups.join(", ")}`);
    const packedStorage = await traceStorage(sql);
    log(`demo day sealed by sealTraces: ${sealed.traces.toLocaleString("en-US")} traces, ${sealed.spans.toLocaleString("en-US")} spans, ${sealed.segments.toLocaleString("en-US")} segments, ${sealed.failed} failed, in ${(sealMs / 1000).toFixed(1)} s (${((sealMs * 1000) / Math.max(sealed.spans, 1)).toFixed(0)} µs a span; load ${load()})`);
    const stages = [
      { label: "rows", relations: before },
      { label: "sealed+vacuum", relations: vacuumed },
      { label: "+spans reindexed", relations: reindexed },
      { label: "+rollups rewritten", relations: rewritten },
      { label: "+minutes packed", relations: packedStorage },
    ];
    for (const line of storageLines(stages, spans)) log(line);
    log(`rollup minutes packed by packRollupMinutes: ${JSON.stringify(packed)} in ${(packMs / 1000).toFixed(1)} s (load ${load()})`);
    log("rollup rows per grain (rows, of them hour rows with packed minutes, packed minutes) before | after packing:");
    const grainsAfter = await rollupGrains(sql);
    for (const g of grainsBefore) {
      const a = grainsAfter.find((x) => x.rollup === g.rollup && x.grain === g.grain);
      log(`  ${g.rollup.padEnd(20)} grain ${String(g.grain).padStart(3)}: ${g.rows} | ${a?.rows ?? 0} rows, ${a?.packed ?? 0} with ${a?.minutes ?? 0} minutes`);
    }
    if (sealed.failed > 0 || sealed.spans !== spans) process.exitCode = 1;
  } finally {
    await sql.end();
  }
}

async function realisticDatabase(adminUrl: string): Promise<string> {
  const url = await freshDatabase(adminUrl, "bench_storage_realistic");
  const sql = connect(url, { max: 1 });
  try {
    await seedTenants(sql);
    const nowUs = BigInt(Date.now()) * 1000n;
    const day = (us: bigint) => new Date(Number(us / 1000n)).toISOString().slice(0, 10);
    await sql`SELECT ensure_span_partitions(${day(nowUs - DAY_US)}::date, ${day(nowUs)}::date)`;
    const resourceIds = Array.from({ length: 24 }, (_, i) => BigInt(1000 + i));
    await sql`
      INSERT INTO resources (tenant_id, id, attributes)
      SELECT 'acme', id, jsonb_build_object('service.name', 'svc-' || id, 'k8s.pod.name', 'pod-' || md5(id::text), 'host.name', 'node-' || (id % 5))
      FROM unnest(${resourceIds.map(String)}::bigint[]) AS id`;
    const rng = new Random(SEED);
    let spans = 0;
    const batch: SegmentTrace[] = [];
    while (spans < REALISTIC_SPANS) {
      const trace = realisticTrace(rng, "acme", nowUs - DAY_US + BigInt(Math.floor(rng.next() * Number(DAY_US - 60_000_000n))), resourceIds);
      batch.push(trace);
      spans += trace.spans.length;
      if (batch.length >= 500) await copyRealisticSpans(sql, batch.splice(0));
    }
    await copyRealisticSpans(sql, batch);
    await sql.unsafe("VACUUM ANALYZE");
  } finally {
    await sql.end();
  }
  return url;
}

async function main() {
  log(`${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${load()}`);
  fs.mkdirSync(DIR, { recursive: true });
  const server = await startEmbedded({ dir: DIR, port: PORT, database: "postgres", logFile: path.join(DIR, "postgres.log") });
  try {
    const demoUrl = await freshDatabase(server.url, "bench_storage_demo");
    const demo = connect(demoUrl, { max: 2 });
    try {
      await seedTenants(demo);
      const seeded = await generateDemoTraces(demo, { traces: Number.MAX_SAFE_INTEGER, maxSpans: DEMO_SPANS, days: 1, seed: SEED });
      await demo.unsafe("VACUUM ANALYZE");
      log(`demo: generated ${seeded.spans.toLocaleString("en-US")} spans over one day in ${(seeded.ms / 1000).toFixed(0)} s`);
    } finally {
      await demo.end();
    }
    if (!SEALED_ONLY) await report("demo mix, one day", demoUrl);
    await sealDemo(demoUrl);
    if (!SEALED_ONLY) await report("realistic mix", await realisticDatabase(server.url));
  } finally {
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
