import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "@/db/testing/test-db";
import type { TenantScope } from "@/db/tenant-scope";
import { ALL, ALPHA, BETA, twoTenantDatabase } from "@/lib/traces/testing/two-tenants";
import { TYPICAL, type CompareRequest } from "./compare-params";
import { readComparePair } from "./compare-pair";

// A comparison reads two traces under the caller's scope: another tenant's trace must read
// exactly like one that does not exist, and "typical" must never be picked outside the
// trace's own tenant, whoever asks.

let t: TestDatabase;
const id = (n: number) => n.toString(16).padStart(32, "0");
const SLOW = id(1); // alpha's slow checkout, the trace compared
const MEDIAN = id(4); // alpha, 30 ms: the median of alpha's checkouts around SLOW
const BETA_CHECKOUT = id(20); // beta, also 30 ms and later: what a leak would pick
const MISSING = id(99);

beforeAll(async () => {
  t = await twoTenantDatabase();
  const trace = (tenant: string, traceId: string, minutes: number, ms: number, name = "POST /checkout", daysAgo = 0) => t.sql`
    INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, root_span_id, root_service, root_name, span_count, error_count, services, has_error)
    VALUES (${tenant}, ${traceId}::uuid, now() - make_interval(days => ${daysAgo}) - interval '3 hours' + make_interval(mins => ${minutes}), now(),
            ${ms * 1_000_000}, 1, 'web', ${name}, 1, 0, '{web}', false)`;
  await trace("alpha", SLOW, 0, 1000);
  await trace("alpha", id(2), -50, 10);
  await trace("alpha", id(3), -20, 20);
  await trace("alpha", MEDIAN, 10, 30);
  await trace("alpha", id(5), 30, 40);
  await trace("alpha", id(6), 50, 50);
  // Same operation, but too far away, another operation, or expired: never typical.
  await trace("alpha", id(7), 120, 30);
  await trace("alpha", id(8), 5, 30, "GET /cart");
  await trace("alpha", id(9), 1, 30, "POST /checkout", 60);
  await trace("beta", BETA_CHECKOUT, 40, 30);
  await trace("beta", id(21), 45, 30);
});
afterAll(async () => {
  await t.drop();
});

const read = (scope: TenantScope, request: CompareRequest) => t.asReader(scope, (tx) => readComparePair(tx, scope, request));

describe("readComparePair", () => {
  it("reads both traces of the caller's tenant", async () => {
    const pair = await read(ALPHA, { a: SLOW, b: MEDIAN });
    expect(pair.a).toMatchObject({ traceId: SLOW, tenantId: "alpha", durationNs: "1000000000" });
    expect(pair.b).toMatchObject({ traceId: MEDIAN, tenantId: "alpha" });
  });

  it("another tenant's trace reads exactly like a trace that does not exist", async () => {
    const leaked = await read(ALPHA, { a: SLOW, b: BETA_CHECKOUT });
    expect(leaked.b).toBeNull();
    expect(leaked).toEqual(await read(ALPHA, { a: SLOW, b: MISSING }));
    // Naming the other tenant outright changes nothing.
    expect(await read(ALPHA, { a: SLOW, b: BETA_CHECKOUT, bTenant: "beta" })).toEqual(leaked);
    // Nor does putting it on the A side.
    const asA = await read(ALPHA, { a: BETA_CHECKOUT, b: SLOW });
    expect(asA.a).toBeNull();
    expect(asA).toEqual(await read(ALPHA, { a: MISSING, b: SLOW }));
    // Beta's viewer sees beta's and not alpha's.
    const fromBeta = await read(BETA, { a: BETA_CHECKOUT, b: SLOW });
    expect(fromBeta.a).toMatchObject({ traceId: BETA_CHECKOUT });
    expect(fromBeta.b).toBeNull();
  });

  it("typical: the trace of the same tenant and operation nearest the median within an hour, with the numbers why", async () => {
    const pair = await read(ALPHA, { a: TYPICAL, b: SLOW });
    expect(pair.a).toMatchObject({ traceId: MEDIAN, tenantId: "alpha" });
    expect(pair.b).toMatchObject({ traceId: SLOW });
    // Six checkouts of alpha within the hour (SLOW included): 10, 20, 30, 40, 50, 1000 ms.
    expect(pair.typical).toMatchObject({ traceId: MEDIAN, tenantId: "alpha", durationNs: "30000000", medianNs: "30000000", sample: 6 });
  });

  it("typical stays in B's tenant even for a caller who sees every tenant", async () => {
    const pair = await read(ALL, { a: TYPICAL, b: SLOW });
    expect(pair.typical).toMatchObject({ traceId: MEDIAN, tenantId: "alpha" });
    const fromBeta = await read(ALL, { a: TYPICAL, b: BETA_CHECKOUT });
    expect(fromBeta.typical).toMatchObject({ traceId: id(21), tenantId: "beta", sample: 2 });
  });

  it("no typical trace when the trace is the only one of its operation, or is not visible", async () => {
    expect(await read(ALPHA, { a: TYPICAL, b: id(8) })).toMatchObject({ a: null, typical: null });
    expect(await read(ALPHA, { a: TYPICAL, b: BETA_CHECKOUT })).toEqual({ a: null, b: null, typical: null });
  });
});
