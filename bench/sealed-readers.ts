import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import type { TransactionSql } from "postgres";
import { connect } from "../db/connect";
import { startEmbedded } from "../db/embedded";
import type { TenantScope } from "../db/tenant-scope";
import { percentile } from "../lib/latency/percentile";
import { sealTraces } from "../lib/traces/span-store/seal";
import { copyToTenant, makeQuiet } from "../lib/traces/testing/sealed-twin";
import { insertSyntheticTrace } from "../lib/traces/testing/synthetic-trace";
import { findInTrace } from "../lib/traces/trace/trace-find";
import { lineageHref } from "../lib/traces/trace/trace-lineage-link";
import { findTraceHeader } from "../lib/traces/trace/trace-header";
import { readSpanDetail } from "../lib/traces/trace/trace-span";
import { freshDatabase } from "./lib/fresh-database";
import { timeReader } from "./lib/reader-timing";

// `npm run bench -- sealed-readers` (issue 22 item 1): the one-trace readers a user waits for
// on a large trace, on the same synthetic trace (SEALED_READERS_BENCH_SPANS spans, default
// 50,000, every fifth a job) as rows (tenant "rows") and sealed (tenant "sealed": a copy, sealed
// by the sealer into segments of 10,000). Each reader as a whole reader transaction, rows and
// sealed in turn, p50 of SEALED_READERS_BENCH_RUNS (default 7) after one untimed run each; the
// two answers must be equal. Span detail of a job span and of a plain span (with the trace's
// async work), find with a word, with a space and with JSON punctuation (every span of a sealed
// trace read), and the trace page's lineage link.
//
//   BENCH_DB_PORT (default 55731) picks the cluster's port.

const SPANS = Number(process.env.SEALED_READERS_BENCH_SPANS ?? 50_000);
const RUNS = Number(process.env.SEALED_READERS_BENCH_RUNS ?? 7);
const PORT = Number(process.env.BENCH_DB_PORT ?? 55731);
const DIR = path.resolve(process.env.SEALED_READERS_BENCH_DIR ?? ".data/bench-sealed-readers");
const TRACE = "5ea1ed0000004000800000000000beef";
const TRACE_UUID = "5ea1ed00-0000-4000-8000-00000000beef";
const ROWS: TenantScope = { all: false, tenantIds: ["rows"] };
const SEALED: TenantScope = { all: false, tenantIds: ["sealed"] };

const log = (line: string) => console.log(`[bench/sealed-readers] ${line}`);
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");

async function main(): Promise<void> {
  fs.mkdirSync(DIR, { recursive: true });
  const server = await startEmbedded({ dir: DIR, port: PORT, database: "postgres", logFile: path.join(DIR, "postgres.log") });
  const url = await freshDatabase(server.url, "bench_sealed_readers");
  const sql = connect(url, { max: 2 });
  try {
    log(`${os.cpus().length} cores, load average ${load()} (1/5/15 min) at the start`);
    await sql`INSERT INTO tenants (id, name) VALUES ('rows', 'Rows'), ('sealed', 'Sealed')`;
    await insertSyntheticTrace(sql, { tenant: "rows", traceId: TRACE, spans: SPANS, asyncJobs: true });
    for (const table of ["traces", "spans", "resources"]) await copyToTenant(sql, table, table === "resources" ? "true" : `x.trace_id = '${TRACE_UUID}'`, "rows", "sealed");
    await makeQuiet(sql, "sealed", TRACE_UUID);
    const sealStarted = performance.now();
    const sealed = await sealTraces(url, { now: new Date(), quietMinutes: 30 });
    if (sealed?.spans !== SPANS) throw new Error(`sealed ${JSON.stringify(sealed)}, expected ${SPANS} spans`);
    log(`${SPANS.toLocaleString("en-US")} spans sealed into ${sealed.segments} segments in ${((performance.now() - sealStarted) / 1000).toFixed(1)} s`);
    await sql.unsafe("VACUUM ANALYZE");

    const [job, plain] = await sql<{ id: string }[]>`
      (SELECT lpad(to_hex(span_id), 16, '0') AS id FROM spans WHERE tenant_id = 'rows' AND kind = 5 ORDER BY span_id LIMIT 1)
      UNION ALL (SELECT lpad(to_hex(span_id), 16, '0') FROM spans WHERE tenant_id = 'rows' AND kind = 3 ORDER BY span_id LIMIT 1)`;
    const readers: [string, (tx: TransactionSql, scope: TenantScope) => Promise<unknown>][] = [
      ["span detail, a job span", (tx, scope) => readSpanDetail(tx, scope, { traceId: TRACE, spanId: job!.id })],
      ["span detail, a plain span", (tx, scope) => readSpanDetail(tx, scope, { traceId: TRACE, spanId: plain!.id })],
      ...["checkpoint", "synthetic failure", '"reindex"'].map(
        (text): [string, (tx: TransactionSql, scope: TenantScope) => Promise<unknown>] => [`find ${text}`, async (tx, scope) => (await findInTrace(tx, scope, { traceId: TRACE, text }))?.sort()],
      ),
      ["lineage link", async (tx, scope) => (await lineageHref(tx, (await findTraceHeader(tx, scope, TRACE))!))?.replace(/tenant=\w+/, "")],
    ];
    for (const [name, read] of readers) {
      const answers = new Map<TenantScope, unknown>();
      const samples = new Map<TenantScope, number[]>([
        [ROWS, []],
        [SEALED, []],
      ]);
      // Rows and sealed in turn, so both see the same load.
      for (let run = 0; run <= RUNS; run++) {
        for (const scope of [ROWS, SEALED]) {
          const { p50 } = await timeReader(sql, scope, async (tx) => answers.set(scope, await read(tx, scope)), 1, 0);
          if (run > 0) samples.get(scope)!.push(p50);
        }
      }
      if (!isDeepStrictEqual(answers.get(SEALED), answers.get(ROWS))) throw new Error(`${name}: the sealed trace's answer differs from the rows'`);
      const rows = percentile(samples.get(ROWS)!, 50);
      const seg = percentile(samples.get(SEALED)!, 50);
      log(`${name.padEnd(26)} rows p50 ${rows.toFixed(0).padStart(6)} ms, sealed p50 ${seg.toFixed(0).padStart(6)} ms: ${(seg / rows).toFixed(2)}× (load ${os.loadavg()[0]!.toFixed(2)})`);
    }
    log(`load average ${load()} at the end; ${RUNS} runs each, rows and sealed in turn after one untimed run`);
  } finally {
    await sql.end({ timeout: 5 });
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
