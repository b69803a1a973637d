import { spawnSync } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { connect, type Sql } from "../db/connect";
import { runMigrations } from "../db/migrate";
import { enterReaderScope } from "../db/reader-scope";
import { recordAudit, type AuditRecord } from "../lib/audit/record";
import { benchDatabase } from "./lib/bench-database";
import { percentile } from "../lib/latency/percentile";
import { TSX_NODE_ARGS } from "../scripts/node/tsx";

// What the audit log adds to a trace search request, in one process and one run, on the
// 5-million-span bench database: (a) the search alone, the newest 50 traces of a tenant
// viewer's two tenants under the reader role and row-level security (the query of the
// dashboard's first traces page); (b) the gate's audit row (recordAudit), then the same search. The two alternate
// request by request, so both see the same noise. Then the audit insert alone with 1, 4 and
// 16 concurrent writers (the chain trigger serialises inserts on one lock), on the bench
// database and on a scratch database whose log already holds AUDIT_PREFILL rows.
//
// Usage: npm run bench -- audit   (ITERATIONS, SECONDS and AUDIT_PREFILL override defaults)

const ITERATIONS = Number(process.env.ITERATIONS ?? 1000);
const WARMUP = 100;
const SECONDS = Number(process.env.SECONDS ?? 5);
const PREFILL = Number(process.env.AUDIT_PREFILL ?? 1_000_000);

// lib/traces is marked server-only: run under the condition Next's server uses, and import it
// only once running so.
if (!process.execArgv.some((a) => a.includes("react-server"))) {
  const run = spawnSync(process.execPath, [...TSX_NODE_ARGS, fileURLToPath(import.meta.url)], { stdio: "inherit" });
  process.exit(run.status ?? 1);
}
const { withinRetention } = await import("../lib/traces/retention-filter");

const scope = { all: false as const, tenantIds: ["acme", "globex"] };
const auditRow: AuditRecord = {
  actor: { id: "00000000-0000-4000-8000-0000000000bb", email: "viewer@demo.test", role: "tenant_viewer" },
  action: "trace.search",
  resource: "/traces",
  tenants: scope.tenantIds,
  outcome: "allowed",
  details: { view: "recent", limit: 50 },
  request: { ip: "10.0.0.1", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/156", requestId: "req-bench-00000001", traceId: "0af7651916cd43dd8448eb211c80319c" },
};

async function search(sql: Sql): Promise<number> {
  const rows = await sql.begin(async (tx) => {
    await enterReaderScope(tx, scope);
    return tx`
      SELECT t.trace_id, t.tenant_id, t.start_time, t.duration_ns, t.root_service, t.root_name, t.span_count, t.error_count, t.services
      FROM traces t JOIN tenants n ON n.id = t.tenant_id
      WHERE t.tenant_id = ANY(${scope.tenantIds}) AND ${withinRetention(tx)}
      ORDER BY t.start_time DESC
      LIMIT 50`;
  });
  return rows.length;
}

async function searchWithAndWithoutAudit(sql: Sql) {
  const plain: number[] = [];
  const audited: number[] = [];
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const order = i % 2 === 0 ? ["plain", "audited"] : ["audited", "plain"];
    for (const variant of order) {
      const started = performance.now();
      if (variant === "audited") await recordAudit(sql, auditRow);
      const n = await search(sql);
      const ms = performance.now() - started;
      if (n !== 50) throw new Error(`search returned ${n} rows`);
      if (i >= WARMUP) (variant === "plain" ? plain : audited).push(ms);
    }
  }
  return { plain, audited };
}

async function insertRate(sql: Sql, writers: number): Promise<number> {
  let count = 0;
  const until = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() < until) {
        await recordAudit(sql, auditRow);
        count++;
      }
    }),
  );
  return count / SECONDS;
}

async function auditRows(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_log`;
  return row!.n;
}

const db = await benchDatabase();
const sql = connect(db.url, { max: 17, applicationName: "bench-audit" });
const scratchName = "bench_audit_scratch";
const admin = connect(db.adminUrl, { max: 1 });
try {
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  console.log(`audit_log rows in the bench database: ${(await auditRows(sql)).toLocaleString("en-US")}`);
  const { plain, audited } = await searchWithAndWithoutAudit(sql);
  const row = (name: string, xs: number[]) => `${name.padEnd(28)} p50 ${percentile(xs, 50).toFixed(2)} ms   p95 ${percentile(xs, 95).toFixed(2)} ms`;
  console.log(`\nsearch request, ${ITERATIONS} each after ${WARMUP} warm-up, alternating:`);
  console.log(row("(a) search alone", plain));
  console.log(row("(b) audit row + search", audited));
  console.log(`ratio (b) ÷ (a): p50 ${(percentile(audited, 50) / percentile(plain, 50)).toFixed(2)}×, p95 ${(percentile(audited, 95) / percentile(plain, 95)).toFixed(2)}×`);

  console.log(`\naudit inserts alone, ${SECONDS} s per level:`);
  for (const writers of [1, 4, 16]) console.log(`  ${String(writers).padStart(2)} writers: ${(await insertRate(sql, writers)).toFixed(0)} inserts/s`);

  // The same on a log that already holds PREFILL rows: does the chain's "previous row"
  // lookup stay cheap as the log grows?
  await admin.unsafe(`DROP DATABASE IF EXISTS ${scratchName} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${scratchName}`);
  const scratchUrl = db.adminUrl.replace(/\/[^/]*$/, `/${scratchName}`);
  await runMigrations(scratchUrl);
  const scratch = connect(scratchUrl, { max: 17, applicationName: "bench-audit" });
  try {
    await scratch.begin(async (tx) => {
      await tx`ALTER TABLE audit_log DISABLE TRIGGER audit_log_chain`;
      await tx`
        INSERT INTO audit_log (seq, at, actor_email, role, action, tenants, outcome, hash)
        SELECT g, now() - (${PREFILL} - g) * interval '1 second', 'user' || (g % 50) || '@demo.test', 'investigator',
               'trace.search', ARRAY['t' || (g % 8)], 'allowed', md5(g::text)
        FROM generate_series(1, ${PREFILL}) g`;
      await tx`ALTER TABLE audit_log ENABLE TRIGGER audit_log_chain`;
    });
    await scratch`VACUUM ANALYZE audit_log`;
    console.log(`\naudit inserts alone on a log of ${PREFILL.toLocaleString("en-US")} rows, ${SECONDS} s per level:`);
    for (const writers of [1, 4, 16]) console.log(`  ${String(writers).padStart(2)} writers: ${(await insertRate(scratch, writers)).toFixed(0)} inserts/s`);
  } finally {
    await scratch.end({ timeout: 5 });
    await admin.unsafe(`DROP DATABASE IF EXISTS ${scratchName} WITH (FORCE)`);
  }
  console.log(`\nmachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`);
  console.log(`load average at end: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
} finally {
  await sql.end({ timeout: 5 });
  await admin.end({ timeout: 5 });
  await db.server.stop();
}
