import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "@/db/testing/test-db";
import type { TenantScope } from "@/db/tenant-scope";
import { allowedRow, dataReach } from "@/lib/audit/data-reach";
import { ALL, ALPHA, BETA, twoTenantDatabase } from "../testing/two-tenants";
import { findTraceOwners } from "./trace-owners";

// What the audit row of a trace read names (issue 15 item 8): the tenants holding the trace,
// looked up across all tenants whatever the caller's scope, then split by that scope.

let t: TestDatabase;
const SHARED = "11111111111111111111111111111111";
const BETA_ONLY = "22222222222222222222222222222222";
const EXPIRED = "33333333333333333333333333333333";

beforeAll(async () => {
  t = await twoTenantDatabase();
  await t.sql`
    INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, span_count, error_count, services, has_error)
    VALUES ('alpha', ${SHARED}::uuid, now(), now(), 1, 1, 0, '{web}', false),
           ('beta', ${SHARED}::uuid, now(), now(), 1, 1, 0, '{web}', false),
           ('beta', ${BETA_ONLY}::uuid, now(), now(), 1, 1, 0, '{web}', false),
           ('beta', ${EXPIRED}::uuid, now() - interval '60 days', now(), 1, 1, 0, '{web}', false)`;
});
afterAll(async () => {
  await t.drop();
});

const owners = (traceId: string, tenant?: string) => t.asReader(ALL, (tx) => findTraceOwners(tx, traceId, tenant));
const inScope = (scope: TenantScope) => (tenant: string) => scope.all || scope.tenantIds.includes(tenant);

describe("the tenants a trace read reaches", () => {
  it("finds every tenant holding the id, or only the one asked for", async () => {
    expect(await owners(SHARED)).toEqual(["alpha", "beta"]);
    expect(await owners(SHARED, "beta")).toEqual(["beta"]);
    expect(await owners(BETA_ONLY, "alpha")).toEqual([]);
  });

  it("an expired trace holds no data", async () => {
    expect(await owners(EXPIRED)).toEqual([]);
  });

  it("an alpha viewer reading beta's id is a probe against beta; the shared id is alpha's read", async () => {
    expect(dataReach(await owners(BETA_ONLY), inScope(ALPHA))).toEqual({ kind: "probe", tenants: ["beta"] });
    expect(dataReach(await owners(SHARED), inScope(ALPHA))).toEqual({ kind: "read", tenants: ["alpha"] });
    expect(dataReach(await owners(BETA_ONLY), inScope(BETA))).toEqual({ kind: "read", tenants: ["beta"] });
    expect(dataReach(await owners("4".repeat(32)), inScope(ALPHA))).toEqual({ kind: "none" });
  });

  it("the gate's row: the holders in scope, a denied probe against the others, or found: false", async () => {
    const fallback = { tenants: ["alpha"], details: { format: "otlp-json" } };
    expect(allowedRow(await owners(BETA_ONLY), inScope(ALPHA), fallback)).toEqual({
      tenants: ["beta"], outcome: "denied", details: { format: "otlp-json", reason: "outside-scope", found: false },
    });
    // An all-tenant caller without ?tenant= gets the first tenant's trace (the others as links).
    expect(allowedRow(await owners(SHARED), inScope(ALL), fallback)).toEqual({ tenants: ["alpha"], outcome: "allowed", details: fallback.details });
    expect(allowedRow(await owners(SHARED, "beta"), inScope(ALL), fallback)).toEqual({ tenants: ["beta"], outcome: "allowed", details: fallback.details });
    expect(allowedRow(await owners("4".repeat(32)), inScope(ALPHA), fallback)).toEqual({ tenants: ["alpha"], outcome: "allowed", details: { format: "otlp-json", found: false } });
    expect(allowedRow(undefined, inScope(ALPHA), fallback)).toEqual({ ...fallback, outcome: "allowed" });
  });
});
