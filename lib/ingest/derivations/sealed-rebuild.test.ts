import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "@/db/connect";
import { checkedTraceIdUuid } from "@/db/span-codec/ids";
import { SpanKind } from "@/db/span-codec/kind-and-status";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { SEAL_LOCK_KEY, sealTraces } from "@/lib/traces/span-store/seal";
import { copyToTenant, makeQuiet } from "@/lib/traces/testing/sealed-twin";
import { insertSyntheticTrace } from "@/lib/traces/testing/synthetic-trace";
import { rebuildRollupSince } from "./rollup";
import { rebuildServiceMapSince } from "./service-map";

// The rollup and service map rebuilt over a window give the same rows whether the window's
// traces are sealed or rows: tenant "alpha" is sealed, tenant "twin" holds the same rows unsealed.

let t: TestDatabase;
const SEALED = "2af7651916cd43dd8448eb211c803101";
const MIXED = "2af7651916cd43dd8448eb211c803102";
const UNSEALED = "2af7651916cd43dd8448eb211c803103";
const uuid = checkedTraceIdUuid;
const HOUR = 3_600_000;

const rebuild = async () => {
  const from = new Date(Date.now() - 24 * HOUR);
  await rebuildRollupSince(t.sql, from);
  await rebuildServiceMapSince(t.sql, from);
};

/** Every rollup row of the tenant, the tenant's name taken out. */
async function rollups(tenant: string) {
  const latency = await t.sql<{ r: unknown }[]>`
    SELECT to_jsonb(r) - 'tenant_id' AS r FROM span_rollup r WHERE tenant_id = ${tenant} ORDER BY grain, minute, service, operation, kind, job_name`;
  const map = await t.sql<{ r: unknown }[]>`
    SELECT to_jsonb(r) - 'tenant_id' AS r FROM service_map_rollup r WHERE tenant_id = ${tenant} ORDER BY grain, minute, caller, service`;
  return { latency: latency.map((x) => x.r), map: map.map((x) => x.r) };
}

const rowCount = async (traceId: string) =>
  (await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM spans WHERE tenant_id = 'alpha' AND trace_id = ${uuid(traceId)}::uuid`)[0]!.n;

/** In both tenants: a late consumer of a sealed producer in another service, and `shadow` sent again with another duration and status. */
async function lateSpans(traceId: string, shadow: string) {
  const [producer] = await t.sql<{ id: string }[]>`
    SELECT span_id::text AS id FROM spans WHERE tenant_id = 'twin' AND trace_id = ${uuid(traceId)}::uuid AND kind = ${SpanKind.Producer} ORDER BY span_id LIMIT 1`;
  for (const tenant of ["alpha", "twin"]) {
    await t.sql`
      INSERT INTO spans (tenant_id, trace_id, span_id, parent_span_id, service, name, kind, start_time, duration_ns, status_code, attributes, resource_id)
      SELECT ${tenant}::text, trace_id, span_id # 4611686018427387904, span_id, 'late-worker', 'process late', ${SpanKind.Consumer},
             start_time + interval '3 ms', 5000000, 0, '{"job.name": "late", "job.attempt": 1}', resource_id
      FROM spans WHERE tenant_id = 'twin' AND trace_id = ${uuid(traceId)}::uuid AND span_id = ${producer!.id}::bigint`;
  }
  await copyToTenant(t.sql, "spans", `x.trace_id = '${uuid(traceId)}' AND x.span_id = ${BigInt(shadow)}`, "twin", "alpha");
  await t.sql`
    UPDATE spans SET duration_ns = duration_ns * 3, status_code = 2, attributes = attributes || '{"sampling.ratio": 0.25}'
    WHERE tenant_id IN ('alpha', 'twin') AND trace_id = ${uuid(traceId)}::uuid AND span_id = ${shadow}::bigint`;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`INSERT INTO tenants (id, name) VALUES ('alpha', 'Alpha'), ('twin', 'Twin')`;
  const now = Date.now();
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: SEALED, spans: 500, asyncJobs: true, start: new Date(now - 2 * HOUR) });
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: MIXED, spans: 300, asyncJobs: true, start: new Date(now - 10 * 60_000) });
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: UNSEALED, spans: 60, start: new Date(now - 5 * 60_000) });
  // What the rebuilds weigh and time: producers with their jobs (queue waits), retries,
  // head-sampled spans and a tail-sampling weight.
  await t.sql`
    UPDATE spans SET kind = ${SpanKind.Producer}
    WHERE tenant_id = 'alpha' AND span_id IN (SELECT parent_span_id FROM spans WHERE tenant_id = 'alpha' AND kind = ${SpanKind.Consumer})`;
  await t.sql`UPDATE spans SET attributes = attributes || '{"job.attempt": 2}' WHERE tenant_id = 'alpha' AND kind = ${SpanKind.Consumer} AND span_id % 3 = 0`;
  await t.sql`UPDATE spans SET attributes = attributes || '{"sampling.ratio": 0.5}' WHERE tenant_id = 'alpha' AND span_id % 7 = 0`;
  await t.sql`UPDATE traces SET sample_weight = 4 WHERE tenant_id = 'alpha' AND trace_id = ${uuid(MIXED)}::uuid`;
  for (const table of ["traces", "spans", "resources"]) await copyToTenant(t.sql, table, "true", "alpha", "twin");
  for (const id of [SEALED, MIXED]) await makeQuiet(t.sql, "alpha", uuid(id));
});

afterAll(async () => {
  await t.drop();
});

describe("rebuilding the rollup and the service map over sealed traces", () => {
  it("gives the same rows after sealing as before, late rows and a repeated span included", async () => {
    await rebuild();
    const before = await rollups("alpha");
    expect(before).toEqual(await rollups("twin"));
    expect(before.latency.length).toBeGreaterThan(20);
    expect(before.map.length).toBeGreaterThan(5);
    // The waits and retries are really there, so their loss would show.
    const [waits] = await t.sql<{ n: number; r: number }[]>`
      SELECT sum(wait_count)::int AS n, sum(retry_count)::int AS r FROM span_rollup WHERE tenant_id = 'alpha' AND grain = 1`;
    expect(waits!.n).toBeGreaterThan(10);
    expect(waits!.r).toBeGreaterThan(10);

    expect(await sealTraces(t.url, { now: new Date(), quietMinutes: 30, maxSegmentSpans: 64 })).toMatchObject({ traces: 2, spans: 800, failed: [] });
    expect(await rowCount(SEALED)).toBe(0);
    await rebuild();
    expect(await rollups("alpha")).toEqual(before);

    const [shadow] = await t.sql<{ id: string }[]>`
      SELECT span_id::text AS id FROM spans WHERE tenant_id = 'twin' AND trace_id = ${uuid(MIXED)}::uuid AND parent_span_id IS NOT NULL
      ORDER BY span_id LIMIT 1 OFFSET 50`;
    await lateSpans(MIXED, shadow!.id);
    expect(await rowCount(MIXED)).toBe(2);
    await rebuild();
    const late = await rollups("alpha");
    expect(late).toEqual(await rollups("twin"));
    expect(late).not.toEqual(before);
    expect(late.map.some((r) => (r as { caller: string; service: string }).service === "late-worker")).toBe(true);
  });

  it("waits for a running sealer, which would otherwise move spans between the rebuild's reads", async () => {
    const sealer = connect(t.url, { max: 1 });
    try {
      await sealer`SELECT pg_advisory_lock(${SEAL_LOCK_KEY})`;
      let done = false;
      const running = rebuildRollupSince(t.sql, new Date(Date.now() - HOUR)).then(() => (done = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(done).toBe(false);
      await sealer`SELECT pg_advisory_unlock(${SEAL_LOCK_KEY})`;
      await running;
      expect(done).toBe(true);
    } finally {
      await sealer.end();
    }
    expect(await rollups("alpha")).toEqual(await rollups("twin"));
  });
});
