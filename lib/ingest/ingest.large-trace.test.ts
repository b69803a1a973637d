import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type Sql } from "@/db/connect";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { keyFor, postOtlp, seedTenant, startIngestServer, type IngestServer } from "./testing/fixtures";
import { largeTraceRequests } from "./testing/large-trace";
import { encodeRequest, syntheticRequest } from "./testing/synthetic";

/**
 * Issue 22, item 3: what one request costs must not grow with what is stored of its trace. A
 * batch job's trace arrives in many requests, each joining the stored trace with producers
 * and job runs whose stored ends ingest looks up (the rollup's queue waits) besides its own
 * spans (a retried export). Counted in rows, not time: the `spans` rows and index entries each
 * request's transaction reads, from the ingest backend's own statistics.
 */
const SPANS = 24_000;
const BATCH = 500;

let t: TestDatabase;
/** The ingest server's only connection, so every read it makes is in this backend's statistics. */
let ingestSql: Sql;
let server: IngestServer;
let key: string;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenant(t.sql, "acme");
  key = await keyFor(t, "acme");
  ingestSql = connect(t.url, { max: 1 });
  server = await startIngestServer({ ...t, sql: ingestSql });
});

afterAll(async () => {
  await server.close();
  await ingestSql.end({ timeout: 5 });
  await t.drop();
});

/** Span rows read so far on the ingest connection: sequential scans' rows and index entries returned, over every day partition. */
async function spanRowsRead(): Promise<number> {
  // Statistics reach the shared counters when the backend next goes idle, this once without waiting.
  await ingestSql`SELECT pg_stat_force_next_flush()`;
  const [row] = await ingestSql<{ n: string }[]>`
    SELECT ((SELECT coalesce(sum(seq_tup_read), 0) FROM pg_stat_user_tables WHERE relname ~ '^spans_p[0-9]{8}$')
          + (SELECT coalesce(sum(idx_tup_read), 0) FROM pg_stat_user_indexes WHERE relname ~ '^spans_p[0-9]{8}$'))::text AS n`;
  return Number(row!.n);
}

/** Many small traces in the trace's day partition, analysed as autovacuum would: the planner then expects a trace to be small. */
async function fillWithSmallTraces(startMs: number): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const res = await postOtlp(server.endpoint, { body: encodeRequest(syntheticRequest({ spans: 1_000, tenants: ["acme"], spansPerTrace: 10, startMs: startMs + i * 1_000 })), key });
    expect(res.status).toBe(200);
  }
  await t.sql`ANALYZE spans`;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe("ingest of a trace that grows over many requests", () => {
  // Two states of the day partition the trace lands in, each of which once led the planner to
  // read the stored trace on every request: young and never analysed (a scan looks cheap), and
  // analysed among many small traces (the trace's primary-key prefix looks cheap).
  it.each([
    { partition: "a young, unanalysed day partition", startMs: Date.now() - 3_600_000, fill: false },
    { partition: "an analysed partition of many small traces", startMs: Date.now() - 26 * 3_600_000, fill: true },
  ])("on $partition: each stored span is read about once, not once per request", async ({ startMs, fill }) => {
    if (fill) await fillWithSmallTraces(startMs - 600_000);
    const spansBefore = Number((await t.sql<{ n: string }[]>`SELECT count(*)::text AS n FROM spans`)[0]!.n);
    const reads: number[] = [];
    for (const request of largeTraceRequests({ spans: SPANS, batch: BATCH, tenant: "acme", startMs })) {
      const before = await spanRowsRead();
      const res = await postOtlp(server.endpoint, { body: encodeRequest(request), key });
      expect(res.status).toBe(200);
      reads.push((await spanRowsRead()) - before);
    }
    expect(reads.length).toBe(SPANS / BATCH);

    // Each request has producers and job runs (looked up in the stored trace) from the second on.
    const [stored] = await t.sql<{ spans: number; producers: number }[]>`
      SELECT count(*)::int - ${spansBefore}::int AS spans, count(*) FILTER (WHERE kind = 4)::int AS producers FROM spans`;
    expect(stored!.spans).toBe(SPANS);
    expect(stored!.producers).toBeGreaterThan(SPANS / BATCH);

    // Reading the stored trace on each request is over 500,000 rows in all (it was, before
    // migrations 0021 and 0024), the last requests each reading over 20,000. A request reads
    // the stored parents and children of its spans: each stored span about once over the whole
    // trace (the job run, which ends and arrives last, reads its thousands of chunks once).
    expect(reads.reduce((a, b) => a + b, 0)).toBeLessThan(SPANS);
    expect(median(reads.slice(-10))).toBeLessThan(BATCH);
  });
});
