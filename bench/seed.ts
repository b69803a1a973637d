import os from "node:os";
import path from "node:path";
import { connect, type Sql } from "../db/connect";
import { copyBatches, type Batch } from "../scripts/demo/copy-batches";
import { BATCH_SPANS, generateDemoTraces, prepareDemoDatabase } from "../scripts/demo/generate";
import { DemoTraceSource } from "../scripts/demo/source";
import { seedTenants } from "../scripts/demo/tenants";
import { startEmbedded } from "../db/embedded";
import { freshDatabase } from "./lib/fresh-database";

// `npm run bench -- seed`: how fast the demo generator fills a benchmark-sized database.
//
// Two runs on the same embedded Postgres, each into a fresh database with the same seed:
//   baseline   COPY of span rows rendered beforehand (the database's share of the work)
//   generator  generateDemoTraces end to end (rendering while copying, as `npm run seed` does)
// The ratio generator/baseline is the generator's overhead, and reads the same on a busy machine.
// A third figure, the generator with no database at all, shows how much headroom it has.

const SPANS = Number(process.env.BENCH_SEED_SPANS ?? 5_000_000);
const PORT = Number(process.env.BENCH_SEED_PORT ?? 54349);
const DIR = path.resolve(process.env.BENCH_SEED_DIR ?? ".data/bench-postgres");
const SEED = 12345;
const DAYS = 7;
const CHUNK_BYTES = 1 << 20;

interface Rendered extends Batch {
  chunks: Buffer[];
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
// Other work on the machine shows up here; a busy run is not comparable to a quiet one.
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Renders the rows the generator would write, in the same batches, into memory (off the V8 heap). */
function render(source: DemoTraceSource, spans: number): Rendered[] {
  const batches: Rendered[] = [];
  while (source.spans < spans) {
    const batch: Rendered = { chunks: [], summaries: "", traces: 0, spans: 0, logs: [] };
    let text = "";
    const sink = { write: (rows: string) => void (text += rows) };
    while (source.spans < spans && batch.spans < BATCH_SPANS) {
      const trace = source.next(sink);
      batch.summaries += trace.summary;
      batch.traces++;
      batch.spans += trace.spans;
      if (text.length >= CHUNK_BYTES) {
        batch.chunks.push(Buffer.from(text));
        text = "";
      }
    }
    if (text) batch.chunks.push(Buffer.from(text));
    batches.push(batch);
  }
  return batches;
}

async function sizes(sql: Sql) {
  const [row] = await sql<{ database: string; spans: string; traces: string; bytes: number; span_bytes: number }[]>`
    SELECT pg_size_pretty(pg_database_size(current_database())) AS database,
           pg_size_pretty(sum(pg_total_relation_size(relid))) AS spans,
           pg_size_pretty(pg_total_relation_size('traces')) AS traces,
           pg_database_size(current_database())::float8 AS bytes,
           sum(pg_total_relation_size(relid))::float8 AS span_bytes
    FROM pg_partition_tree('spans')`;
  return row!;
}

async function main() {
  console.log(`Seed benchmark: ${fmt(SPANS)} spans, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${load()}`);
  const server = await startEmbedded({ dir: DIR, port: PORT, database: "postgres", logFile: path.join(DIR, "postgres.log") });
  try {
    const baselineUrl = await freshDatabase(server.url, "bench_seed_baseline");
    const generatorUrl = await freshDatabase(server.url, "bench_seed");
    const now = new Date();
    const window = { fromMs: now.getTime() - DAYS * 86_400_000, toMs: now.getTime() };

    // Baseline: the same rows, rendered first, then only copied.
    const baseline = connect(baselineUrl, { max: 2, applicationName: "bench-seed" });
    let aloneMs: number;
    let baselineMs: number;
    let rendered: Rendered[];
    try {
      await seedTenants(baseline);
      const { tenants, resources } = await prepareDemoDatabase(baseline, window);
      const sourceOptions = { seed: SEED, fromUs: window.fromMs * 1000, toUs: window.toMs * 1000, tenants, resources };

      const alone = new DemoTraceSource(sourceOptions);
      let bytes = 0;
      const counter = { write: (rows: string) => void (bytes += rows.length) };
      let started = performance.now();
      while (alone.spans < SPANS) alone.next(counter);
      aloneMs = performance.now() - started;
      console.log(`generator alone: ${fmt(alone.spans)} spans (${fmt(bytes / 2 ** 20)} MiB of COPY text) in ${seconds(aloneMs)}`);

      rendered = render(new DemoTraceSource(sourceOptions), SPANS);
      await baseline`CHECKPOINT`;
      let next = 0;
      started = performance.now();
      await copyBatches(baseline, {
        hasMore: () => next < rendered.length,
        fill: async (copy) => {
          const batch = rendered[next++]!;
          for (const chunk of batch.chunks) await copy.send(chunk);
          return batch;
        },
      });
      baselineMs = performance.now() - started;
      console.log(`baseline: COPY of pre-rendered rows took ${seconds(baselineMs)}`);
    } finally {
      await baseline.end();
    }
    const spans = rendered.reduce((n, b) => n + b.spans, 0);
    const traces = rendered.reduce((n, b) => n + b.traces, 0);
    rendered = [];
    const admin = connect(server.url, { max: 1 });
    await admin.unsafe(`DROP DATABASE "bench_seed_baseline" WITH (FORCE)`);
    await admin`CHECKPOINT`;
    await admin.end();

    // Generator: what `npm run seed` does, timed end to end (partitions and resources included).
    const sql = connect(generatorUrl, { max: 2, applicationName: "bench-seed" });
    try {
      await seedTenants(sql);
      let last = performance.now();
      const result = await generateDemoTraces(sql, {
        traces: Number.MAX_SAFE_INTEGER,
        maxSpans: SPANS,
        seed: SEED,
        now,
        onProgress: (p) => {
          if (performance.now() - last > 10_000) {
            last = performance.now();
            console.log(`  … ${fmt(p.spans)} spans`);
          }
        },
      });
      if (result.spans !== spans || result.traces !== traces) throw new Error("The generator and the baseline wrote different data");
      const size = await sizes(sql);
      const table = [
        ["spans", fmt(result.spans)],
        ["traces", `${fmt(result.traces)} (${(result.spans / result.traces).toFixed(1)} spans per trace on average)`],
        ["generator, end to end", `${seconds(result.ms)}  (${fmt((result.spans / result.ms) * 1000)} spans/s)`],
        ["baseline: COPY of pre-rendered rows", `${seconds(baselineMs)}  (${fmt((spans / baselineMs) * 1000)} spans/s)`],
        ["generator / baseline", `${(result.ms / baselineMs).toFixed(2)}×`],
        ["generator alone (no database)", `${seconds(aloneMs)}  (${fmt((spans / aloneMs) * 1000)} spans/s)`],
        ["database size", `${size.database} (spans ${size.spans}, ${fmt(size.span_bytes / result.spans)} bytes per span; traces ${size.traces})`],
      ];
      console.log(`load average at the end: ${load()}`);
      console.log(`\n| measure | value |\n|---|---|\n${table.map(([k, v]) => `| ${k} | ${v} |`).join("\n")}`);
      if (result.ms > 5 * 60_000) {
        console.error(`Over budget: ${seconds(result.ms)} for ${fmt(result.spans)} spans (target: under 5 minutes for 5,000,000).`);
        process.exitCode = 1;
      }
    } finally {
      await sql.end();
    }
  } finally {
    await server.stop();
  }
}

await main();
