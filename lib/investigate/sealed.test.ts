import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkedTraceIdUuid } from "@/db/span-codec/ids";
import type { TenantScope } from "@/db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { sealTraces } from "@/lib/traces/span-store/seal";
import { makeQuiet } from "@/lib/traces/testing/sealed-twin";
import { insertSyntheticTrace } from "@/lib/traces/testing/synthetic-trace";
import { generateDemoTraces, seedTenants } from "@/scripts/demo/index";
import { errorsByTenant } from "./errors";
import { findLineage, LINEAGE_SPAN_CAP } from "./lineage";
import { retryLoops } from "./retries";
import { slowRequests } from "./slow";
import { tenantFilter } from "./tenant-filter";

// Every investigate view answers the same once traces are sealed: the demo data is read as
// rows, then most of its traces are sealed (tenant globex's stay rows), some of those get late
// rows beside their segments (spans held back, then stored after the seal) and spans sent again
// after sealing (rows repeating a sealed span, which replace it), and every view is read again.

let t: TestDatabase;
const now = new Date();
const window = { from: new Date(now.getTime() - 2 * 86_400_000), to: new Date(now.getTime() + 60_000) };
const ALL: TenantScope = { all: true };
const UNSEALED_TENANT = "globex";
let ids: { job: string; event: string; request: string; tenant: string }[] = [];

/** Every view, for every tenant and for the one tenant of each looked-up id. */
async function views() {
  return t.asReader(ALL, async (tx) => {
    const all = tenantFilter(ALL, []);
    const lineage = [];
    for (const id of ids) {
      const one = tenantFilter({ all: false, tenantIds: [id.tenant] }, []);
      lineage.push(await findLineage(tx, all, window, id.job), await findLineage(tx, one, window, id.event), await findLineage(tx, one, window, id.request));
    }
    return {
      errors: await errorsByTenant(tx, all, window),
      errorsMatching: await errorsByTenant(tx, all, window, "timeout"),
      retries: await retryLoops(tx, all, window, 1),
      retriesOver2: await retryLoops(tx, all, window, 2),
      slow: await slowRequests(tx, all, window, { limit: 50 }),
      slowEndToEnd: await slowRequests(tx, all, window, { rank: "end-to-end", limit: 50 }),
      lineage,
    };
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenants(t.sql);
  await generateDemoTraces(t.sql, { traces: 600, days: 1, seed: 2211, now });
  await t.sql`ANALYZE`;
  // Ids that occur in traces to be sealed: jobs that ran more than once, events, their requests.
  ids = await t.sql<{ job: string; event: string; request: string; tenant: string }[]>`
    SELECT DISTINCT ON (j.tenant_id) j.tenant_id AS tenant, j.attributes->>'job.id' AS job, e.attributes->>'event.id' AS event, tr.request_id AS request
    FROM spans j
    JOIN spans e ON e.tenant_id = j.tenant_id AND e.attributes ? 'event.id'
    JOIN traces tr ON tr.tenant_id = j.tenant_id AND tr.trace_id = j.trace_id AND tr.request_id IS NOT NULL
    WHERE j.attributes ? 'job.id' AND j.attributes->'job.attempt' = '2'::jsonb AND j.tenant_id <> ${UNSEALED_TENANT}
    ORDER BY j.tenant_id, j.span_id
    LIMIT 3`;
}, 120_000);

afterAll(async () => {
  await t.drop();
});

describe("investigate on sealed traces", () => {
  it("answers every view the same for sealed traces, mixed ones and unsealed ones as for their rows", async () => {
    expect(ids.length).toBeGreaterThan(0);
    const before = await views();
    expect(before.errors.flatMap((e) => e.groups).length).toBeGreaterThan(5);
    expect(before.retries.length).toBeGreaterThan(3);
    expect(before.slow.length).toBeGreaterThan(3);
    expect(before.slowEndToEnd.length).toBeGreaterThan(3);
    expect(before.lineage.filter((l) => l.length > 0).length).toBe(before.lineage.length);

    // Late spans: every third non-root span of a quarter of the traces, held back and stored
    // after sealing; spans sent again: errors, retries, roots and jobs of another few traces.
    await t.sql`
      CREATE TABLE held_back AS SELECT * FROM spans s
      WHERE s.parent_span_id IS NOT NULL AND s.span_id % 3 = 0 AND s.trace_id::text < '4' AND s.tenant_id <> ${UNSEALED_TENANT}`;
    await t.sql`
      CREATE TABLE sent_again AS SELECT * FROM spans s
      WHERE (s.status_code = 2 OR s.parent_span_id IS NULL OR s.attributes ? 'job.id' OR s.attributes ? 'http.request.resend_count')
        AND s.trace_id::text >= 'c' AND s.tenant_id <> ${UNSEALED_TENANT}`;
    await t.sql`DELETE FROM spans s USING held_back h WHERE s.tenant_id = h.tenant_id AND s.trace_id = h.trace_id AND s.span_id = h.span_id AND s.start_time = h.start_time`;
    await t.sql`DELETE FROM trace_sampling_pending`;
    await t.sql`UPDATE traces SET updated_at = now() WHERE tenant_id = ${UNSEALED_TENANT}`;
    for (const { id } of await t.sql<{ id: string }[]>`SELECT id FROM tenants WHERE id <> ${UNSEALED_TENANT}`) await makeQuiet(t.sql, id);
    let sealed = 0;
    for (;;) {
      const run = await sealTraces(t.url, { now: new Date(), quietMinutes: 30 });
      expect(run!.failed).toEqual([]);
      if (run!.traces === 0) break;
      sealed += run!.traces;
    }
    expect(sealed).toBeGreaterThan(300);
    const [left] = await t.sql<{ rows: number; refs: number }[]>`
      SELECT (SELECT count(*)::int FROM spans WHERE tenant_id <> ${UNSEALED_TENANT}) AS rows, (SELECT count(*)::int FROM sealed_span_refs) AS refs`;
    expect(left).toEqual({ rows: 0, refs: expect.any(Number) as number });
    expect(left!.refs).toBeGreaterThan(100);

    await t.sql`INSERT INTO spans SELECT * FROM held_back`;
    await t.sql`INSERT INTO spans SELECT * FROM sent_again`;
    expect((await t.sql`SELECT 1 FROM sent_again`).length).toBeGreaterThan(20);
    expect(await views()).toEqual(before);
  });

  it("reads the capped first spans of a large trace across its segments and the late rows among them", async () => {
    const BIG = "3af7651916cd43dd8448eb211c803101";
    const scope: TenantScope = { all: false, tenantIds: ["big"] };
    await t.sql`INSERT INTO tenants (id, name, slow_threshold_ms) VALUES ('big', 'Big', 1)`;
    await insertSyntheticTrace(t.sql, { tenant: "big", traceId: BIG, spans: LINEAGE_SPAN_CAP + 200, asyncJobs: true, start: new Date(now.getTime() - 3_600_000) });
    await t.sql`UPDATE traces SET is_slow = true WHERE tenant_id = 'big'`;
    await makeQuiet(t.sql, "big");
    const read = () =>
      t.asReader(scope, async (tx) => {
        const big = tenantFilter(scope, []);
        return {
          slow: await slowRequests(tx, big, window),
          slowEndToEnd: await slowRequests(tx, big, window, { rank: "end-to-end" }),
          lineage: await findLineage(tx, big, window, "job_4"),
        };
      });
    const before = await read();
    expect(before.slow.map((r) => r.capped)).toEqual([true]);
    expect(before.lineage.map((l) => [l.capped, l.loadedSpans])).toEqual([[true, LINEAGE_SPAN_CAP]]);

    // Early spans held back and stored after the seal: rows among the first spans of a sealed trace.
    const uuid = checkedTraceIdUuid(BIG);
    await t.sql`CREATE TABLE big_held AS SELECT * FROM spans WHERE tenant_id = 'big' AND parent_span_id IS NOT NULL AND start_time < (SELECT start_time FROM traces WHERE tenant_id = 'big') + interval '2 ms' AND span_id % 2 = 0`;
    await t.sql`DELETE FROM spans s USING big_held h WHERE s.tenant_id = 'big' AND s.trace_id = ${uuid}::uuid AND s.span_id = h.span_id AND s.start_time = h.start_time`;
    expect(await sealTraces(t.url, { now: new Date(), quietMinutes: 30, maxSegmentSpans: 1_000 })).toMatchObject({ failed: [] });
    expect(await t.sql`SELECT 1 FROM spans WHERE tenant_id = 'big'`).toHaveLength(0);
    await t.sql`INSERT INTO spans SELECT * FROM big_held`;
    expect((await t.sql`SELECT 1 FROM big_held`).length).toBeGreaterThan(20);
    expect(await read()).toEqual(before);
  });
});
