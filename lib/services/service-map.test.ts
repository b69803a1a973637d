import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enterReaderScope } from "@/db/reader-scope";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import type { TenantScope } from "@/db/tenant-scope";
import { generateDemoTraces, seedTenants } from "@/scripts/demo/index";
import { rebuildServiceMapSince } from "@/lib/ingest/derivations/service-map";
import { buildServiceMap } from "./queries";
import { serviceMapFilters, type ServiceMapParams } from "./service-map-params";
import { rose } from "./types";

let t: TestDatabase;
const HOUR = 3_600_000;
// A whole hour, so the hour grain and an exact query over the same spans agree.
const NOW = new Date(Math.floor(Date.now() / HOUR) * HOUR);
const FROM = new Date(NOW.getTime() - 24 * HOUR);
const ALL: TenantScope = { all: true };
const ACME: TenantScope = { all: false, tenantIds: ["acme"] };

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenants(t.sql);
  // The demo seed writes with COPY and rebuilds the service map of what it wrote.
  await generateDemoTraces(t.sql, { traces: 400, days: 2, seed: 21, now: NOW });
}, 120_000);
afterAll(async () => {
  await t.drop();
});

/** The map as the page reads it: `readerScope` is what row-level security enforces, `scope` what the query filters by. */
function map(readerScope: TenantScope, params: Partial<ServiceMapParams> = {}, scope: TenantScope = readerScope) {
  const filters = serviceMapFilters({ from: FROM, to: NOW, ...params });
  return t.sql.begin(async (tx) => {
    await enterReaderScope(tx, readerScope);
    return buildServiceMap(tx, scope, filters);
  });
}

/** Calls between services per (tenant, caller, callee), exactly from the spans table. */
async function exactEdges(tenants: string[] | null) {
  const rows = await t.sql<{ caller: string; service: string; n: number; errors: number }[]>`
    SELECT p.service AS caller, c.service, count(*)::int AS n, (count(*) FILTER (WHERE c.status_code = 2))::int AS errors
    FROM spans c JOIN spans p ON p.tenant_id = c.tenant_id AND p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
    WHERE c.start_time >= ${FROM} AND c.start_time < ${NOW} AND p.service <> c.service
      ${tenants ? t.sql`AND c.tenant_id = ANY(${tenants}::text[])` : t.sql``}
    GROUP BY 1, 2 ORDER BY 1, 2`;
  return rows.map((r) => `${r.caller}→${r.service} ${r.n}`);
}

const unweighted = async (tenants: string[] | null) =>
  (await t.sql<{ caller: string; service: string; n: number }[]>`
    SELECT caller, service, sum(call_count)::int AS n FROM service_map_rollup
    WHERE grain = 1 AND minute >= ${FROM} AND minute < ${NOW} AND caller <> ''
      ${tenants ? t.sql`AND tenant_id = ANY(${tenants}::text[])` : t.sql``}
    GROUP BY 1, 2 ORDER BY 1, 2`).map((r) => `${r.caller}→${r.service} ${r.n}`);

describe("the service map read", () => {
  it("holds every call between services the spans hold, and the read shows each edge", async () => {
    const exact = await exactEdges(null);
    expect(exact.length).toBeGreaterThan(3);
    expect(await unweighted(null)).toEqual(exact);
    const all = await map(ALL);
    expect(all.edges.map((e) => `${e.caller}→${e.service}`)).toEqual(exact.map((e) => e.split(" ")[0]));
    for (const e of all.edges) {
      expect(e.p50Ns).not.toBeNull();
      expect(e.p95Ns! >= e.p50Ns!).toBe(true);
    }
    // Every service at either end of an edge is a node.
    const nodes = new Set(all.nodes.map((n) => n.service));
    for (const e of all.edges) expect(nodes.has(e.caller) && nodes.has(e.service)).toBe(true);
  });

  it("re-weights calls by their trace's sample weight", async () => {
    const before = await map(ACME);
    // Tail sampling kept these traces for three each; the rebuild reads the weight off the trace.
    await t.sql`UPDATE traces SET sample_weight = sample_weight * 3 WHERE tenant_id = 'acme'`;
    await rebuildServiceMapSince(t.sql, new Date(FROM.getTime() - 24 * HOUR));
    const after = await map(ACME);
    await t.sql`UPDATE traces SET sample_weight = sample_weight / 3 WHERE tenant_id = 'acme'`;
    await rebuildServiceMapSince(t.sql, new Date(FROM.getTime() - 24 * HOUR));
    expect(after.edges.map((e) => Math.round(e.count))).toEqual(before.edges.map((e) => Math.round(e.count * 3)));
    expect(after.edges.map((e) => e.errorRate)).toEqual(before.edges.map((e) => e.errorRate));
  });

  it("shows a tenant viewer only their tenants, by the query's filter and by row-level security", async () => {
    const acme = await map(ACME);
    expect(acme.edges.map((e) => `${e.caller}→${e.service}`)).toEqual((await exactEdges(["acme"])).map((e) => e.split(" ")[0]));
    const acmeCounts = acme.edges.map((e) => e.count);
    // Asking for another tenant: nothing of it.
    expect(await map(ACME, { tenant: ["globex"] })).toEqual({ nodes: [], edges: [] });
    // A query that forgot the caller's scope: row-level security still hides every other tenant.
    const leaky = await map(ACME, {}, ALL);
    expect(leaky.edges.map((e) => e.count)).toEqual(acmeCounts);
    // And the filter alone, without row-level security, keeps to acme too.
    const all = await map(ALL);
    const filtered = await map(ALL, {}, ACME);
    expect(filtered.edges.map((e) => e.count)).toEqual(acmeCounts);
    // Another tenant asked for by name, past a gate that should have refused it: the scope filter still holds.
    expect(await map(ALL, { tenant: ["globex"] }, ACME)).toEqual({ nodes: [], edges: [] });
    expect(all.edges.reduce((s, e) => s + e.count, 0)).toBeGreaterThan(acmeCounts.reduce((s, c) => s + c, 0));
  });

  it("flags an edge whose p95 or error rate rose against the previous window of the same length", async () => {
    const row = (minute: Date, ms: number, errors: number) => {
      const bucket = Math.floor(Math.log(ms * 1e6) / Math.log(1.05));
      return { tenant_id: "initech", grain: 60, minute, caller: "zz-gateway", service: "zz-ledger", call_count: 100, error_count: errors,
        duration_sum_ns: ms * 1e8, weighted_count: 100, weighted_errors: errors, weighted_duration_ns: ms * 1e8, buckets: [bucket], weights: [100] };
    };
    const rows = [row(new Date(FROM.getTime() - 5 * HOUR), 40, 0), row(new Date(NOW.getTime() - 5 * HOUR), 400, 0),
      { ...row(new Date(FROM.getTime() - 3 * HOUR), 40, 0), service: "zz-audit" }, { ...row(new Date(NOW.getTime() - 3 * HOUR), 40, 9), service: "zz-audit" },
      { ...row(new Date(FROM.getTime() - 3 * HOUR), 40, 0), service: "zz-steady" }, { ...row(new Date(NOW.getTime() - 3 * HOUR), 42, 0), service: "zz-steady" }];
    await t.sql`INSERT INTO service_map_rollup ${t.sql(rows)}`;
    const edges = (await map(ALL, { tenant: ["initech"] })).edges.filter((e) => e.caller === "zz-gateway");
    await t.sql`DELETE FROM service_map_rollup WHERE caller = 'zz-gateway'`;
    expect(Object.fromEntries(edges.map((e) => [e.service, e.risen]))).toEqual({
      "zz-audit": { errors: true, p95: false },
      "zz-ledger": { errors: false, p95: true },
      "zz-steady": { errors: false, p95: false },
    });
  });
});

describe("rose", () => {
  const f = (errorRate: number, p95Ns: number | null, count = 100) => ({ count, errorRate, p50Ns: p95Ns, p95Ns });
  it("needs a previous period, enough calls in both, a real rise of errors and a p95 beyond noise", () => {
    expect(rose(f(0.5, 9e9, 19), f(0, 1e6))).toEqual({ errors: false, p95: false });
    expect(rose(f(0.5, 9e9), f(0, 1e6, 19))).toEqual({ errors: false, p95: false });
    expect(rose(f(0.5, 9e9), null)).toEqual({ errors: false, p95: false });
    expect(rose(f(0.105, 1e6), f(0.1, 1e6))).toEqual({ errors: false, p95: false });
    expect(rose(f(0.02, 1.2e6), f(0, 1e6))).toEqual({ errors: true, p95: false });
    expect(rose(f(0, 1.3e6), f(0, 1e6))).toEqual({ errors: false, p95: true });
  });
});
