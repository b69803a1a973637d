import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TestDatabase } from "@/db/testing/test-db";
import { SpanKind } from "@/db/span-codec/kind-and-status";
import { runRetention } from "@/lib/retention/run";
import { closeIngestBed, openIngestBed, postOtlp, type IngestServer } from "../testing/fixtures";
import { encodeRequest, requestOf, type PlainValue, type SpanSpec } from "../testing/synthetic";
import { foldServiceMapDeltas, rebuildServiceMapSince } from "./service-map";

let t: TestDatabase;
let server: IngestServer;
let key: string;

beforeAll(async () => {
  ({ t, server, key } = await openIngestBed("acme"));
});
afterAll(() => closeIngestBed({ t, server }));
beforeEach(async () => {
  await t.sql`TRUNCATE spans, traces, resources, service_map_rollup, service_map_delta, span_rollup, span_rollup_delta`;
});

const MS = 1_000_000n;
const minuteAgo = (n: number) => BigInt(Math.floor(Date.now() / 60_000 - n) * 60_000) * MS;
const id16 = () => randomBytes(16);
const id8 = () => randomBytes(8);

type MapSpec = SpanSpec & { kind: number; service: string };

/** One request through the real ingest handler, a resource per service, then the fold. */
async function send(spans: readonly MapSpec[]): Promise<void> {
  if (spans.length === 0) return;
  const services = [...new Set(spans.map((s) => s.service))];
  const groups = services.map((service) => spans.filter((s) => s.service === service));
  const request = requestOf(services.map((service, i) => ({ attributes: { "service.name": service } as Record<string, PlainValue>, spans: groups[i]! })));
  groups.forEach((group, r) => request.resourceSpans![r]!.scopeSpans![0]!.spans!.forEach((span, i) => (span.kind = group[i]!.kind)));
  const res = await postOtlp(server.endpoint, { body: encodeRequest(request), key });
  expect(res.status).toBe(200);
  await foldServiceMapDeltas(t.sql);
}

const mapRows = () => t.sql`
  SELECT grain, minute, caller, service, call_count::int, error_count::int, duration_sum_ns::text, weighted_count,
         weighted_errors, weighted_duration_ns, buckets, weights
  FROM service_map_rollup ORDER BY grain, minute, caller, service`;

const edges = async () =>
  (await t.sql<{ caller: string; service: string; n: number; e: number }[]>`
    SELECT caller, service, sum(call_count)::int AS n, sum(error_count)::int AS e FROM service_map_rollup WHERE grain = 1 GROUP BY 1, 2 ORDER BY 1, 2`).map((r) => `${r.caller || "·"}→${r.service} ${r.n}/${r.e}`);

/** A checkout: web's server span calls api (client → server), api enqueues a job a worker runs. */
function checkout(start: bigint) {
  const trace = id16();
  const [root, client, server, producer, consumer, internal] = [id8(), id8(), id8(), id8(), id8(), id8()];
  const spans: Record<string, MapSpec> = {
    root: { traceId: trace, spanId: root, service: "web", kind: SpanKind.Server, name: "GET /checkout", startNs: start, durationNs: 90n * MS },
    client: { traceId: trace, spanId: client, parentSpanId: root, service: "web", kind: SpanKind.Client, name: "POST api", startNs: start + MS, durationNs: 60n * MS },
    server: { traceId: trace, spanId: server, parentSpanId: client, service: "api", kind: SpanKind.Server, name: "POST /orders", startNs: start + 2n * MS, durationNs: 55n * MS, status: { code: 2 } },
    internal: { traceId: trace, spanId: internal, parentSpanId: server, service: "api", kind: SpanKind.Internal, name: "validate", startNs: start + 3n * MS, durationNs: 5n * MS },
    producer: { traceId: trace, spanId: producer, parentSpanId: server, service: "api", kind: SpanKind.Producer, name: "enqueue email", startNs: start + 10n * MS, durationNs: 1n * MS, attributes: { "job.name": "email" } },
    consumer: { traceId: trace, spanId: consumer, parentSpanId: producer, service: "worker", kind: SpanKind.Consumer, name: "process email", startNs: start + 300n * MS, durationNs: 20n * MS, attributes: { "job.name": "email", "job.attempt": 1 } },
  };
  return spans;
}

describe("the service map at ingest", () => {
  it("counts entry spans per service and each cross-service call once, jobs included", async () => {
    const s = checkout(minuteAgo(3));
    await send(Object.values(s));
    expect(await edges()).toEqual(["·→api 1/1", "·→web 1/0", "·→worker 1/0", "api→worker 1/0", "web→api 1/1"]);
    // A retried export adds nothing.
    await send(Object.values(s));
    expect(await edges()).toEqual(["·→api 1/1", "·→web 1/0", "·→worker 1/0", "api→worker 1/0", "web→api 1/1"]);
  });

  it("gives a child its edge whether its parent came in an earlier request or comes in a later one", async () => {
    const early = checkout(minuteAgo(4));
    await send([early.root!, early.client!]);
    await send([early.server!, early.internal!]);
    const late = checkout(minuteAgo(4));
    await send([late.consumer!]);
    await send([late.root!, late.client!, late.server!]);
    await send([late.producer!]);
    expect(await edges()).toEqual(["·→api 2/2", "·→web 2/0", "·→worker 1/0", "api→worker 1/0", "web→api 2/2"]);
  });

  it("re-weights a call by the child's head sampling ratio and keeps both grains in step", async () => {
    const s = checkout(minuteAgo(2));
    s.server!.attributes = { "sampling.ratio": 0.25 };
    await send(Object.values(s));
    const [edge] = await t.sql<{ w: number; we: number }[]>`SELECT weighted_count AS w, weighted_errors AS we FROM service_map_rollup WHERE caller = 'web' AND grain = 1`;
    expect(edge).toEqual({ w: 4, we: 4 });
    const grains = await t.sql`SELECT grain, sum(call_count)::int AS n, sum(weighted_count) AS w FROM service_map_rollup GROUP BY 1 ORDER BY 1`;
    // web, api (×4), worker, web → api (×4), api → worker.
    expect(grains).toEqual([{ grain: 1, n: 5, w: 11 }, { grain: 60, n: 5, w: 11 }]);
  });

  it("is purged with the tenant's standard retention", async () => {
    await t.sql`UPDATE tenants SET retention_days = 7 WHERE id = 'acme'`;
    const old = new Date(Date.now() - 10 * 86_400_000);
    for (const table of ["service_map_rollup", "service_map_delta"]) {
      const grain = table === "service_map_rollup" ? t.sql`grain,` : t.sql``;
      const value = table === "service_map_rollup" ? t.sql`1,` : t.sql``;
      await t.sql`INSERT INTO ${t.sql(table)} (tenant_id, ${grain} minute, caller, service, call_count) VALUES ('acme', ${value} ${old}, '', 'old', 1), ('acme', ${value} now(), '', 'new', 1)`;
    }
    // The ingest server's folder may fold the old delta row into the rollup while a run purges
    // both tables, after the rollup's purge: the row then goes with the next run, as the
    // retention schedule runs them.
    for (let i = 0; i < 2; i++) {
      const run = await runRetention(t, { trigger: "test", now: new Date() });
      expect(run.status).toBe("completed");
    }
    // The folder may have moved the new delta row into the rollup meanwhile.
    const left = await t.sql`SELECT DISTINCT service FROM (SELECT service FROM service_map_rollup UNION ALL SELECT service FROM service_map_delta) u`;
    expect(left.map((r) => r.service)).toEqual(["new"]);
    await t.sql`UPDATE tenants SET retention_days = 14 WHERE id = 'acme'`;
  });
});

/** Random traffic: traces of chains across a few services, jobs among them, sampled at exact ratios. */
const trafficArb = fc
  .array(
    fc.record({
      minute: fc.integer({ min: 1, max: 120 }),
      ratio: fc.constantFrom(1, 0.5, 0.25),
      children: fc.array(
        fc.record({
          parent: fc.nat(),
          service: fc.constantFrom("web", "api", "db", "worker"),
          kind: fc.constantFrom(SpanKind.Internal, SpanKind.Server, SpanKind.Client, SpanKind.Producer, SpanKind.Consumer),
          ms: fc.integer({ min: 1, max: 900 }),
          error: fc.boolean(),
          sampled: fc.boolean(),
        }),
        { maxLength: 6 },
      ),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((traces) => {
    const roots: MapSpec[] = [];
    const rest: MapSpec[] = [];
    for (const tr of traces) {
      const trace = id16();
      const start = minuteAgo(tr.minute);
      const spans: MapSpec[] = [{ traceId: trace, spanId: id8(), service: "web", kind: SpanKind.Server, name: "GET /", startNs: start, durationNs: 950n * MS, attributes: { "sampling.ratio": tr.ratio } }];
      tr.children.forEach((c, i) => {
        spans.push({
          traceId: trace, spanId: id8(), parentSpanId: spans[c.parent % spans.length]!.spanId, service: c.service, kind: c.kind, name: `op${i}`,
          startNs: start + BigInt(i + 1) * 7n * MS + BigInt(c.ms) * 1000n, durationNs: BigInt(c.ms) * MS,
          status: c.error ? { code: 2 } : undefined, attributes: c.sampled ? { "sampling.ratio": 0.5 } : undefined,
        });
      });
      roots.push(spans[0]!);
      rest.push(...spans.slice(1));
    }
    return { roots, rest };
  });

describe("the service map against a rebuild from the stored spans", () => {
  it("is the same whatever the batch split, order and retries", async () => {
    await fc.assert(
      fc.asyncProperty(
        trafficArb.chain(({ roots, rest }) =>
          fc.record({
            roots: fc.constant(roots),
            order: fc.shuffledSubarray(rest, { minLength: rest.length, maxLength: rest.length }),
            cuts: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 30 }),
            retry: fc.nat({ max: 4 }),
          }),
        ),
        async ({ roots, order, cuts, retry }) => {
          await t.sql`TRUNCATE spans, traces, resources, service_map_rollup, service_map_delta`;
          // Roots first: a span that arrives before its trace's root cannot know the root's sampling weight.
          await send(roots);
          const batches: MapSpec[][] = [];
          for (let i = 0, c = 0; i < order.length; c++) {
            const size = cuts[c % cuts.length]!;
            batches.push(order.slice(i, i + size));
            i += size;
          }
          for (const batch of batches) await send(batch);
          if (batches.length > 0) await send(batches[retry % batches.length]!);
          const ingested = await mapRows();
          await rebuildServiceMapSince(t.sql, new Date(Date.now() - 3 * 3_600_000));
          expect(await mapRows()).toEqual(ingested);
        },
      ),
      { numRuns: 12 },
    );
  });
});
