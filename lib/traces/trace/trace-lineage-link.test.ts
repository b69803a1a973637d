import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantScope } from "@/db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { parseInvestigateParams } from "@/lib/investigate/investigate-params";
import { checkedTraceIdUuid } from "@/db/span-codec/ids";
import { sealTraces } from "@/lib/traces/span-store/seal";
import { makeQuiet } from "@/lib/traces/testing/sealed-twin";
import { findTraceHeader } from "./trace-header";
import { lineageHref } from "./trace-lineage-link";
import { insertSyntheticTrace } from "@/lib/traces/testing/synthetic-trace";

let t: TestDatabase;
const ALPHA: TenantScope = { all: false, tenantIds: ["alpha"] };
const WITH_JOBS = "2af7651916cd43dd8448eb211c80319e";
const NO_JOBS = "3af7651916cd43dd8448eb211c80319f";
const ODD_REQUEST = "4af7651916cd43dd8448eb211c8031a0";
const SEALED_JOBS = "5af7651916cd43dd8448eb211c8031a1";
const SEALED_NUMBER = "6af7651916cd43dd8448eb211c8031a2";

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
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: SEALED_JOBS, spans: 300, requestId: "req with spaces" });
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: SEALED_NUMBER, spans: 300, requestId: "req with spaces" });
  // The first job's id a JSON number: Node spells it as Postgres's ->> does (lib/db/jsonb-text.ts).
  await t.sql`
    UPDATE spans SET attributes = attributes || '{"job.id": 4321}'::jsonb
    WHERE trace_id = ${checkedTraceIdUuid(SEALED_NUMBER)}::uuid AND attributes->>'job.id' = 'job_4'`;
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

describe("the lineage link of a sealed trace", () => {
  it("names the same first job as the rows did, found in Node, an id that is a JSON number spelled as Postgres does", async () => {
    const before = [await hrefOf(SEALED_JOBS), await hrefOf(SEALED_NUMBER)];
    expect(before.map((h) => new URL(h!, "http://x").searchParams.get("id"))).toEqual(["job_4", "4321"]);
    // A later job moved before every other (20 µs into the trace): the earliest wins whichever segment holds it.
    await t.sql`
      UPDATE spans SET start_time = start_time - interval '2970 microseconds', attributes = attributes || '{"job.id": "job_early"}'::jsonb
      WHERE trace_id = ${checkedTraceIdUuid(SEALED_JOBS)}::uuid AND attributes->>'job.id' = 'job_299'`;
    const early = await hrefOf(SEALED_JOBS);
    expect(new URL(early!, "http://x").searchParams.get("id")).toBe("job_early");
    for (const id of [SEALED_JOBS, SEALED_NUMBER]) await makeQuiet(t.sql, "alpha", checkedTraceIdUuid(id));
    expect(await sealTraces(t.url, { now: new Date(), quietMinutes: 30, maxSegmentSpans: 64 })).toMatchObject({ traces: 2, failed: [] });
    expect([await hrefOf(SEALED_JOBS), await hrefOf(SEALED_NUMBER)]).toEqual([early, before[1]]);
  });
});
