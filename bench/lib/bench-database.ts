import fs from "node:fs";
import path from "node:path";
import { connect } from "../../db/connect";
import { generateDemoTraces, seedTenants } from "../../scripts/demo/index";
import { startEmbedded, type EmbeddedServer } from "../../db/embedded";
import { migrationsFolder, runMigrations } from "../../db/migrate";
import { packRollupMinutes } from "../../lib/ingest/derivations/pack-minutes";

// A benchmark-sized database (5 million demo spans by default) on its own embedded cluster,
// seeded once and reused by later runs: seeding takes minutes, the benchmarks seconds. The
// name carries the span count and the migration count, so a schema change reseeds.

export interface BenchDatabase {
  /** The seeded database. */
  url: string;
  /** The cluster's maintenance database, for creating scratch copies. */
  adminUrl: string;
  server: EmbeddedServer;
  spans: number;
}

const PORT = Number(process.env.BENCH_DB_PORT ?? 54347);
const DIR = path.resolve(process.env.BENCH_DB_DIR ?? ".data/bench-db");
const SEED = 12345;

function migrationCount(): number {
  return fs.readdirSync(migrationsFolder).filter((f) => f.endsWith(".sql")).length;
}

export async function benchDatabase(spans = Number(process.env.BENCH_SPANS ?? 5_000_000), days = 7): Promise<BenchDatabase> {
  fs.mkdirSync(DIR, { recursive: true });
  const server = await startEmbedded({ dir: DIR, port: PORT, database: "postgres", logFile: path.join(DIR, "postgres.log") });
  const adminUrl = server.url;
  const name = `bench_${spans}_m${migrationCount()}`;
  const url = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  const admin = connect(adminUrl, { max: 1 });
  try {
    const [row] = await admin<{ comment: string | null }[]>`
      SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = ${name}`;
    if (row?.comment === "seeded") return { url, adminUrl, server, spans };
    console.log(`Seeding ${spans.toLocaleString("en-US")} spans into ${name} (once; later runs reuse it)…`);
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE "${name}"`);
    await runMigrations(url);
    const sql = connect(url, { max: 2 });
    try {
      await seedTenants(sql);
      const started = performance.now();
      const result = await generateDemoTraces(sql, { traces: 10_000_000, maxSpans: spans, days, seed: SEED });
      await sql.unsafe("VACUUM ANALYZE");
      console.log(`Seeded ${result.traces.toLocaleString("en-US")} traces, ${result.spans.toLocaleString("en-US")} spans in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
    } finally {
      await sql.end({ timeout: 5 });
    }
    await admin.unsafe(`COMMENT ON DATABASE "${name}" IS 'seeded'`);
    return { url, adminUrl, server, spans };
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/**
 * The database a benchmark reads: the seeded one, or with BENCH_PACKED=1 a copy of it with every
 * ended hour's rollup minutes packed into their hour rows (lib/ingest/derivations/pack-minutes.ts),
 * made once, so one cluster holds both forms and runs can alternate between them.
 */
export async function readBenchDatabase(db: BenchDatabase): Promise<string> {
  if (process.env.BENCH_PACKED !== "1") return db.url;
  const name = `${db.url.slice(db.url.lastIndexOf("/") + 1)}_packed`;
  const url = db.adminUrl.replace(/\/[^/]*$/, `/${name}`);
  const admin = connect(db.adminUrl, { max: 1 });
  try {
    const [row] = await admin<{ comment: string | null }[]>`
      SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = ${name}`;
    if (row?.comment === "packed") return url;
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE "${name}" TEMPLATE "${db.url.slice(db.url.lastIndexOf("/") + 1)}"`);
    const sql = connect(url, { max: 1 });
    try {
      const started = performance.now();
      const packed = await packRollupMinutes(sql, new Date());
      await sql.unsafe("VACUUM (FULL, ANALYZE) span_rollup, service_map_rollup");
      console.log(`Packed the rollups' minutes in a copy of the bench database: ${JSON.stringify(packed)} in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
    } finally {
      await sql.end({ timeout: 5 });
    }
    await admin.unsafe(`COMMENT ON DATABASE "${name}" IS 'packed'`);
    return url;
  } finally {
    await admin.end({ timeout: 5 });
  }
}
