import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantScope } from "@/db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { parseInvestigateParams } from "@/lib/investigate/investigate-params";
import { findTraceHeader } from "./trace-header";
import { lineageHref } from "./trace-lineage-link";
import { insertSyntheticTrace } from "@/lib/traces/testing/synthetic-trace";

let t: TestDatabase;
const ALPHA: TenantScope = { all: false, tenantIds: ["alpha"] };
const WITH_JOBS = "2af7651916cd43dd8448eb211c80319e";
const NO_JOBS = "3af7651916cd43dd8448eb211c80319f";
const ODD_REQUEST = "4af7651916cd43dd8448eb211c8031a0";

const hrefOf = (traceId: string) =>
  t.asReader(ALPHA, async (tx) => {
    const header = await findTraceHeader(tx, ALPHA, traceId);
    return lineageHref(tx, header!);
  });

beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`INSERT INTO tenants (id, name, retention_days, kept_retention_days) VALUES ('alpha', 'Alpha', 14, 30)`;
  // Synthetic spans 4, 9, 14, … are job runs (consumer spans with job.id).
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: WITH_JOBS, spans: 20, requestId: "req_abc123" });
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: NO_JOBS, spans: 4 });
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: ODD_REQUEST, spans: 20, requestId: "req with spaces" });
});

afterAll(async () => {
  await t.drop();
});

describe("the trace's link to its job lineage", () => {
  it("looks the request up over an absolute window around the trace, which Investigate accepts", async () => {
    const href = await hrefOf(WITH_JOBS);
    const url = new URL(href!, "http://x");
    expect(url.pathname).toBe("/investigate");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ view: "lineage", id: "req_abc123", tenant: "alpha" });
    const parsed = parseInvestigateParams(Object.fromEntries(url.searchParams));
    expect(parsed.ok).toBe(true);
    const header = await t.asReader(ALPHA, (tx) => findTraceHeader(tx, ALPHA, WITH_JOBS));
    if (parsed.ok) {
      expect(parsed.filters.window.from.getTime()).toBeLessThan(Date.parse(header!.start));
      expect(parsed.filters.window.to.getTime()).toBeGreaterThan(Date.parse(header!.end));
    }
  });

  it("is absent for a trace that ran no job", async () => {
    expect(await hrefOf(NO_JOBS)).toBeNull();
  });

  it("falls back to the first job's id when the request id is not one Investigate accepts", async () => {
    const href = await hrefOf(ODD_REQUEST);
    expect(new URL(href!, "http://x").searchParams.get("id")).toBe("job_4");
  });
});
