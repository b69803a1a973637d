import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TestDatabase } from "@/db/testing/test-db";
import { foldRollupDeltas, rebuildRollupSince } from "./rollup";
import { closeIngestBed, openIngestBed, postOtlp, type IngestServer } from "../testing/fixtures";
import { encodeRequest, requestOf, type PlainValue, type SpanSpec } from "../testing/synthetic";

let t: TestDatabase;
let server: IngestServer;
let key: string;

beforeAll(async () => {
  ({ t, server, key } = await openIngestBed("acme"));
});
afterAll(() => closeIngestBed({ t, server }));
beforeEach(async () => {
  await t.sql`TRUNCATE spans, traces, resources, span_rollup, span_rollup_delta, ingest_counters, trace_sampling_pending`;
});

const MS = 1_000_000n;
const minuteAgo = (n: number) => BigInt(Math.floor(Date.now() / 60_000 - n) * 60_000) * MS;
const id16 = () => randomBytes(16);
const id8 = () => randomBytes(8);

type KindedSpan = SpanSpec & { kind?: number; service?: string };

/** Sends spans through the real ingest handler, one resource per service; `kind` is patched in. */
async function send(spans: KindedSpan[]): Promise<void> {
  const services = [...new Set(spans.map((s) => s.service ?? "api"))];
  const request = requestOf(services.map((service) => ({ attributes: { "service.name": service } as Record<string, PlainValue>, spans: spans.filter((s) => (s.service ?? "api") === service) })));
  services.forEach((service, r) => {
    const sent = spans.filter((s) => (s.service ?? "api") === service);
    request.resourceSpans![r]!.scopeSpans![0]!.spans!.forEach((span, i) => (span.kind = sent[i]!.kind ?? 2));
  });
  const res = await postOtlp(server.endpoint, { body: encodeRequest(request), key });
  expect(res.status).toBe(200);
  // Ingest writes the rollup's rows as deltas; the folder merges them shortly after.
  await foldRollupDeltas(t.sql);
}

/** The rollup next to the same figures computed exactly from the stored spans. */
async function rollupAndExact() {
  const rollup = await t.sql`
    SELECT minute, service, operation, kind, job_name, span_count::int, error_count::int, retry_count::int,
           duration_sum_ns::bigint::text AS duration_sum, weighted_count, buckets, weights
    FROM span_rollup WHERE grain = 1 ORDER BY minute, service, operation, kind, job_name`;
  const exact = await t.sql`
    SELECT minute, service, operation, kind, job_name, count(*)::int AS span_count,
           (count(*) FILTER (WHERE status_code = 2))::int AS error_count,
           (count(*) FILTER (WHERE (attributes ->> 'job.attempt')::int > 1))::int AS retry_count,
           sum(duration_ns)::bigint::text AS duration_sum, sum(w)::float8 AS weighted_count,
           array_agg(DISTINCT b ORDER BY b) AS buckets
    FROM (SELECT *, date_trunc('minute', start_time) AS minute, name AS operation, coalesce(attributes ->> 'job.name', '') AS job_name,
                 rollup_bucket(duration_ns) AS b, 1 / coalesce((attributes ->> 'sampling.ratio')::float8, 1) AS w FROM spans) s
    GROUP BY minute, service, operation, kind, job_name ORDER BY minute, service, operation, kind, job_name`;
  // The coarser grains hold the same totals.
  const grains = await t.sql<{ grain: number; n: number; w: number; d: string }[]>`
    SELECT grain, sum(span_count)::int AS n, sum(weighted_count) AS w, sum(duration_sum_ns)::text AS d FROM span_rollup GROUP BY grain ORDER BY grain`;
  if (grains.length > 0) expect(new Set(grains.map((g) => JSON.stringify([g.n, g.w, g.d]))).size).toBe(1);
  expect(grains.map((g) => g.grain)).toEqual(grains.length > 0 ? [1, 15, 60, 360] : []);
  // Each six-hour row is its hours merged: counts, and the histogram bucket by bucket.
  const blocks = (grain: number) => t.sql`
    WITH r AS (SELECT date_bin('6 hours', minute, 'epoch') AS block, service, operation, kind, job_name, span_count, wait_count, buckets, weights
               FROM span_rollup WHERE grain = ${grain}),
    totals AS (SELECT block, service, operation, kind, job_name, sum(span_count)::int AS n, sum(wait_count)::int AS waits FROM r GROUP BY 1, 2, 3, 4, 5),
    cells AS (SELECT block, service, operation, kind, job_name, b, sum(w) AS w FROM r, unnest(buckets, weights) AS u(b, w) GROUP BY 1, 2, 3, 4, 5, 6)
    SELECT totals.*, array_agg(b ORDER BY b) AS buckets, array_agg(w ORDER BY b) AS weights
    FROM totals JOIN cells USING (block, service, operation, kind, job_name)
    GROUP BY block, service, operation, kind, job_name, n, waits ORDER BY 1, 2, 3, 4, 5`;
  expect(await blocks(360)).toEqual(await blocks(60));
  return { rollup: rollup.map(({ weights: _w, ...r }) => r), exact };
}

describe("the latency rollup at ingest", () => {
  it("counts exactly the spans stored, per minute and operation, with their histogram", async () => {
    const trace = id16();
    const root = id8();
    await send([
      { traceId: trace, spanId: root, name: "GET /a", startNs: minuteAgo(3), durationNs: 250n * MS },
      { traceId: trace, spanId: id8(), parentSpanId: root, name: "SELECT", kind: 3, service: "db", startNs: minuteAgo(3) + MS, durationNs: 12n * MS },
      { traceId: trace, spanId: id8(), parentSpanId: root, name: "SELECT", kind: 3, service: "db", startNs: minuteAgo(3) + 2n * MS, durationNs: 40n * MS, status: { code: 2 } },
      { traceId: id16(), spanId: id8(), name: "GET /a", startNs: minuteAgo(2), durationNs: 1500n * MS, attributes: { "sampling.ratio": 0.25 } },
    ]);
    const { rollup, exact } = await rollupAndExact();
    expect(rollup).toHaveLength(3);
    expect(rollup).toEqual(exact);
    const sampled = rollup.find((r) => Number(r.weighted_count) === 4);
    expect(sampled).toMatchObject({ operation: "GET /a", span_count: 1 });
  });

  it("adds nothing when an export is retried, and only the new spans of a partly stored one", async () => {
    const spans: KindedSpan[] = [
      { traceId: id16(), spanId: id8(), name: "GET /b", startNs: minuteAgo(1), durationNs: 80n * MS },
      { traceId: id16(), spanId: id8(), name: "GET /b", startNs: minuteAgo(1), durationNs: 90n * MS },
    ];
    await send(spans);
    const once = await rollupAndExact();
    await send(spans);
    expect(await rollupAndExact()).toEqual(once);
    await send([...spans, { traceId: id16(), spanId: id8(), name: "GET /b", startNs: minuteAgo(1), durationNs: 95n * MS }]);
    const { rollup, exact } = await rollupAndExact();
    expect(rollup).toEqual(exact);
    expect(rollup[0]).toMatchObject({ span_count: 3 });
  });

  it("keeps a six-hour row per operation that merges its hours, and adds nothing on a retry", async () => {
    const block = BigInt(Math.floor((Date.now() - 86_400_000) / 21_600_000) * 21_600_000) * MS;
    const spans: KindedSpan[] = [10n, 70n, 70n, 200n].map((minutes, i) => ({
      traceId: id16(), spanId: id8(), name: "GET /six", startNs: block + minutes * 60_000n * MS, durationNs: BigInt(10 + i * 40) * MS,
    }));
    await send(spans);
    await send(spans);
    await rollupAndExact();
    const rows = await t.sql<{ grain: number; rows: number; n: number }[]>`
      SELECT grain, count(*)::int AS rows, sum(span_count)::int AS n FROM span_rollup WHERE operation = 'GET /six' AND grain IN (60, 360) GROUP BY 1 ORDER BY 1`;
    expect(rows).toEqual([{ grain: 60, rows: 3, n: 4 }, { grain: 360, rows: 1, n: 4 }]);
  });

  it("merges histograms of later requests into the same minute", async () => {
    // One start for all four: the minute may turn between two requests.
    const start = minuteAgo(4);
    for (const ms of [5n, 50n, 500n, 5n]) await send([{ traceId: id16(), spanId: id8(), name: "GET /c", startNs: start, durationNs: ms * MS }]);
    const [row] = await t.sql<{ buckets: number[]; weights: number[] }[]>`SELECT buckets, weights FROM span_rollup WHERE grain = 1`;
    expect(row!.buckets).toHaveLength(3);
    expect(row!.buckets).toEqual([...row!.buckets].sort((a, b) => a - b));
    expect(row!.weights).toEqual([2, 1, 1]);
  });

  it("records a job's queue wait and retries, whichever of enqueue and worker arrives first", async () => {
    for (const producerFirst of [true, false]) {
      await t.sql`TRUNCATE spans, traces, span_rollup`;
      const trace = id16();
      const producer = id8();
      const enqueue: KindedSpan = { traceId: trace, spanId: producer, name: "enqueue send-email", kind: 4, startNs: minuteAgo(5), durationNs: 2n * MS, attributes: { "job.name": "send-email" } };
      const job = { "job.name": "send-email" };
      const attempts: KindedSpan[] = [
        { traceId: trace, spanId: id8(), parentSpanId: producer, service: "worker", name: "process send-email", kind: 5, startNs: minuteAgo(5) + 302n * MS, durationNs: 30n * MS, attributes: { ...job, "job.attempt": 1 }, status: { code: 2 } },
        { traceId: trace, spanId: id8(), parentSpanId: producer, service: "worker", name: "process send-email", kind: 5, startNs: minuteAgo(5) + 2400n * MS, durationNs: 20n * MS, attributes: { ...job, "job.attempt": 2 } },
      ];
      if (producerFirst) {
        await send([enqueue]);
        await send(attempts);
      } else {
        await send(attempts);
        await send([enqueue]);
      }
      const rows = await t.sql<{ span_count: number; retry_count: number; wait_count: number; wait_sum_ns: string }[]>`
        SELECT span_count::int, retry_count::int, wait_count::int, wait_sum_ns::text FROM span_rollup WHERE kind = 5 AND grain = 1`;
      expect(rows).toEqual([{ span_count: 2, retry_count: 1, wait_count: 1, wait_sum_ns: String(300n * MS) }]);
    }
  });
});

describe("rebuilding the rollup from stored spans", () => {
  it("gives the same rows as ingest did for random traffic sent in several requests, jobs included", async () => {
    let seed = 20261125;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const spans: KindedSpan[] = [];
    for (let i = 0; i < 60; i++) {
      const trace = id16();
      const root = id8();
      const start = minuteAgo(1 + rand(90)) + BigInt(rand(59_000)) * MS;
      const ratio = [1, 0.5, 0.25][rand(3)]!;
      spans.push({ traceId: trace, spanId: root, name: `GET /r${rand(3)}`, startNs: start, durationNs: BigInt(1 + rand(900)) * MS, attributes: { "sampling.ratio": ratio } });
      if (rand(2) === 0) {
        const producer = id8();
        const job = { "job.name": `job-${rand(2)}` };
        spans.push({ traceId: trace, spanId: producer, parentSpanId: root, name: "enqueue", kind: 4, startNs: start + MS, durationNs: BigInt(1 + rand(5)) * MS, attributes: job });
        for (let attempt = 1; attempt <= 1 + rand(3); attempt++) {
          spans.push({
            traceId: trace, spanId: id8(), parentSpanId: producer, service: "worker", name: "process", kind: 5,
            startNs: start + BigInt(attempt * 700 + rand(300)) * MS, durationNs: BigInt(1 + rand(400)) * MS,
            attributes: { ...job, "job.attempt": attempt }, status: rand(4) === 0 ? { code: 2 } : undefined,
          });
        }
      } else {
        spans.push({ traceId: trace, spanId: id8(), parentSpanId: root, name: "SELECT", kind: 3, service: "db", startNs: start + 2n * MS, durationNs: BigInt(1 + rand(90)) * MS });
      }
    }
    // Roots first (a span that arrives before its trace's root cannot know the root's sampling
    // weight), then the rest shuffled into requests: producers and job runs in any order, some twice.
    const roots = spans.filter((s) => !s.parentSpanId);
    const shuffled = spans.filter((s) => s.parentSpanId).map((s) => ({ s, k: rand(1000) })).sort((a, b) => a.k - b.k).map((x) => x.s);
    await send(roots);
    for (let i = 0; i < shuffled.length; i += 17) await send(shuffled.slice(i, i + 17));
    await send(shuffled.slice(0, 17));
    const ingested = await t.sql`SELECT * FROM span_rollup ORDER BY grain, minute, service, operation, kind, job_name`;
    expect(ingested.length).toBeGreaterThan(50);
    await rebuildRollupSince(t.sql, new Date(Date.now() - 3 * 3_600_000));
    expect(await t.sql`SELECT * FROM span_rollup ORDER BY grain, minute, service, operation, kind, job_name`).toEqual(ingested);
  });

  it("gives the same rows as ingest did", async () => {
    const trace = id16();
    const producer = id8();
    await send([
      { traceId: trace, spanId: producer, name: "enqueue x", kind: 4, startNs: minuteAgo(6), durationNs: 1n * MS, attributes: { "job.name": "x" } },
      { traceId: trace, spanId: id8(), parentSpanId: producer, name: "process x", kind: 5, startNs: minuteAgo(6) + 10n * MS, durationNs: 7n * MS, attributes: { "job.name": "x", "job.attempt": 1 } },
      { traceId: id16(), spanId: id8(), name: "GET /d", startNs: minuteAgo(2), durationNs: 33n * MS, attributes: { "sampling.ratio": 0.5 } },
    ]);
    const before = await t.sql`SELECT * FROM span_rollup ORDER BY grain, minute, operation`;
    await rebuildRollupSince(t.sql, new Date(Date.now() - 3_600_000));
    expect(await t.sql`SELECT * FROM span_rollup ORDER BY grain, minute, operation`).toEqual(before);
  });
});
