import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SpanKind } from "@/db/span-codec/kind-and-status";
import type { TestDatabase } from "@/db/testing/test-db";
import { sealTraces } from "@/lib/traces/span-store/seal";
import { foldRollupDeltas } from "./derivations/rollup";
import { foldServiceMapDeltas } from "./derivations/service-map";
import { closeIngestBed, keyFor, openIngestBed, postOtlp, seedTenant, type IngestServer } from "./testing/fixtures";
import { encodeRequest, requestOf, type PlainValue, type SpanSpec } from "./testing/synthetic";

// Ingest derives from a request what it would have derived had the trace it joins never been
// sealed (docs/sealed-traces.md): the same requests go to tenant "sealed", whose trace the
// sealer seals between them, and to tenant "plain", whose trace stays rows; the summaries,
// the rollup, the service map and ingest's counters must come out the same.

let t: TestDatabase;
let server: IngestServer;
const keys: Record<string, string> = {};

beforeAll(async () => {
  let key: string;
  ({ t, server, key } = await openIngestBed("sealed"));
  keys.sealed = key;
  await seedTenant(t.sql, "plain");
  keys.plain = await keyFor(t, "plain");
});
afterAll(() => closeIngestBed({ t, server }));

const MS = 1_000_000n;
const START = BigInt(Math.floor(Date.now() / 60_000 - 5) * 60_000) * MS;
const id8 = () => randomBytes(8);

type Spec = SpanSpec & { kind: number; service: string };

async function send(tenant: string, spans: readonly Spec[]): Promise<void> {
  const services = [...new Set(spans.map((s) => s.service))];
  const groups = services.map((service) => spans.filter((s) => s.service === service));
  const request = requestOf(services.map((service, i) => ({ attributes: { "service.name": service } as Record<string, PlainValue>, spans: groups[i]! })));
  groups.forEach((group, r) => request.resourceSpans![r]!.scopeSpans![0]!.spans!.forEach((span, i) => (span.kind = group[i]!.kind)));
  const res = await postOtlp(server.endpoint, { body: encodeRequest(request), key: keys[tenant]! });
  expect(res.status).toBe(200);
  await foldRollupDeltas(t.sql);
  await foldServiceMapDeltas(t.sql);
}

/** The tenant's trace quiet for an hour, then the sealer run: all its rows become a further segment. */
async function sealNow(tenant: string): Promise<void> {
  await t.sql`UPDATE traces SET updated_at = now() - interval '1 hour' WHERE tenant_id = ${tenant}`;
  // Ingest queued it (a new trace, or late rows of a sealed one); as old as its last write.
  await t.sql`UPDATE trace_seal_pending SET queued_at = now() - interval '1 hour' WHERE tenant_id = ${tenant}`;
  const result = await sealTraces(t.url, { now: new Date(), quietMinutes: 30 });
  expect(result).toMatchObject({ traces: 1, failed: [] });
  expect((await t.sql`SELECT count(*)::int AS n FROM spans WHERE tenant_id = ${tenant}`)[0]!.n).toBe(0);
}

/** Everything ingest derived for the tenant, its name and trace id left out. */
async function derived(tenant: string) {
  const traces = await t.sql`
    SELECT start_time, end_time, duration_ns::text, root_span_id::text, root_service, root_name, request_id, span_count, error_count,
           services, has_error, is_slow, is_security, sample_weight, attributes, attribute_number_cells
    FROM traces WHERE tenant_id = ${tenant}`;
  const rollup = await t.sql`
    SELECT grain, minute, service, operation, kind, job_name, span_count::int, error_count::int, retry_count::int, duration_sum_ns::text,
           weighted_count, buckets, weights, wait_count::int, wait_sum_ns::text, wait_buckets, wait_weights
    FROM span_rollup WHERE tenant_id = ${tenant} ORDER BY grain, minute, service, operation, kind, job_name`;
  const map = await t.sql`
    SELECT grain, minute, caller, service, call_count::int, error_count::int, duration_sum_ns::text, weighted_count, buckets, weights
    FROM service_map_rollup WHERE tenant_id = ${tenant} ORDER BY grain, minute, caller, service`;
  const counters = await t.sql`
    SELECT day, counter, sum(value)::int AS n FROM ingest_counters WHERE tenant_id = ${tenant} GROUP BY day, counter ORDER BY day, counter`;
  return { traces, rollup, map, counters };
}

/** Spans of the tenant, rows and sealed, each key once. */
const storedSpans = async (tenant: string) =>
  (
    await t.sql<{ n: number }[]>`
      SELECT ((SELECT count(*) FROM spans WHERE tenant_id = ${tenant}) + (SELECT coalesce(sum(span_count), 0) FROM span_segments WHERE tenant_id = ${tenant}))::int AS n`
  )[0]!.n;

const queued = async (tenant: string) => (await t.sql`SELECT 1 FROM trace_seal_pending WHERE tenant_id = ${tenant}`).length;

describe("ingest of a trace that is sealed between its requests", () => {
  it("derives exactly what it derives for the same requests to a trace never sealed", async () => {
    const ids = {
      root: id8(), client: id8(), server: id8(), producer: id8(), consumer: id8(), laterProducer: id8(), earlyConsumer: id8(),
      laterClient: id8(), earlyDb: id8(), internal: id8(),
    };
    const requests = (trace: Buffer) => {
      const at = (ms: bigint) => START + ms * MS;
      const s: Record<keyof typeof ids, Spec> = {
        root: { traceId: trace, spanId: ids.root, service: "web", kind: SpanKind.Server, name: "GET /checkout", startNs: at(0n), durationNs: 900n * MS },
        client: { traceId: trace, spanId: ids.client, parentSpanId: ids.root, service: "web", kind: SpanKind.Client, name: "POST api", startNs: at(1n), durationNs: 600n * MS },
        server: { traceId: trace, spanId: ids.server, parentSpanId: ids.client, service: "api", kind: SpanKind.Server, name: "POST /orders", startNs: at(2n), durationNs: 550n * MS, status: { code: 2 } },
        producer: { traceId: trace, spanId: ids.producer, parentSpanId: ids.server, service: "api", kind: SpanKind.Producer, name: "enqueue email", startNs: at(10n), durationNs: 1n * MS, attributes: { "job.name": "email" } },
        earlyConsumer: { traceId: trace, spanId: ids.earlyConsumer, parentSpanId: ids.laterProducer, service: "worker", kind: SpanKind.Consumer, name: "process invoice", startNs: at(700n), durationNs: 30n * MS, attributes: { "job.name": "invoice", "job.attempt": 1 } },
        earlyDb: { traceId: trace, spanId: ids.earlyDb, parentSpanId: ids.laterClient, service: "db", kind: SpanKind.Server, name: "SELECT", startNs: at(21n), durationNs: 4n * MS },
        // The later request: a job run of a sealed producer, the producer of a sealed job run,
        // the client of a sealed db call, a span of a sealed parent in its own service, and one sent again.
        consumer: { traceId: trace, spanId: ids.consumer, parentSpanId: ids.producer, service: "worker", kind: SpanKind.Consumer, name: "process email", startNs: at(300n), durationNs: 20n * MS, attributes: { "job.name": "email", "job.attempt": 1 } },
        laterProducer: { traceId: trace, spanId: ids.laterProducer, parentSpanId: ids.server, service: "api", kind: SpanKind.Producer, name: "enqueue invoice", startNs: at(12n), durationNs: 2n * MS, attributes: { "job.name": "invoice" } },
        laterClient: { traceId: trace, spanId: ids.laterClient, parentSpanId: ids.server, service: "api", kind: SpanKind.Client, name: "SELECT", startNs: at(20n), durationNs: 6n * MS },
        internal: { traceId: trace, spanId: ids.internal, parentSpanId: ids.server, service: "api", kind: SpanKind.Internal, name: "validate", startNs: at(3n), durationNs: 5n * MS },
      };
      return [
        [s.root, s.client, s.server, s.producer, s.earlyConsumer, s.earlyDb],
        [s.consumer, s.laterProducer, s.laterClient, s.internal, s.server],
        [s.consumer, s.laterProducer, s.laterClient, s.internal, s.server, s.root],
      ];
    };
    const plain = requests(randomBytes(16));
    const sealed = requests(randomBytes(16));
    for (const [i, request] of plain.entries()) {
      await send("plain", request);
      await send("sealed", sealed[i]!);
      // A new trace is queued for the sealer at once (its tenant keeps every trace), a sealed
      // one again when it gets late rows; a request of duplicates only adds no rows.
      expect(await queued("sealed")).toBe(i < 2 ? 1 : 0);
      if (i < 2) await sealNow("sealed");
    }

    const want = await derived("plain");
    // What the sealed trace's requests must derive: the late spans' waits and edges found in segments.
    expect(want.traces).toMatchObject([{ span_count: 10, error_count: 1 }]);
    expect(want.map.filter((r) => r.grain === 1 && r.caller !== "").map((r) => `${r.caller}→${r.service} ${r.call_count}`)).toEqual(
      ["api→db 1", "api→worker 2", "web→api 1"],
    );
    expect(want.rollup.filter((r) => r.grain === 1).reduce((n, r) => n + (r.wait_count as number), 0)).toBe(2);
    expect(await derived("sealed")).toEqual(want);
    expect(await storedSpans("sealed")).toBe(10);
    expect(await storedSpans("plain")).toBe(10);
    expect(await t.sql`SELECT count(*)::int AS n FROM span_segments WHERE tenant_id = 'sealed'`).toEqual([{ n: 2 }]);
  });
});
