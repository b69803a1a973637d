import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkedTraceIdUuid } from "@/db/span-codec/ids";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { applyTailSampling } from "@/lib/jobs/tail-sampling";
import { sealTraces } from "@/lib/traces/span-store/seal";
import { insertSyntheticTrace } from "@/lib/traces/testing/synthetic-trace";
import { runRetention } from "./run";

// Sealed spans (span_segments) and what investigate keeps of them (sealed_span_refs) go when
// their rows would have: with their day's partition, with their trace in the per-tenant purge,
// as stranded spans past the kept cutoff, and with a trace tail sampling drops; a tenant on
// legal hold keeps them.

const DAY_MS = 86_400_000;
const now = new Date();
const daysAgo = (n: number) => new Date(now.getTime() - n * DAY_MS);
const dayName = (d: Date) => d.toISOString().slice(0, 10).replaceAll("-", "");

const DROPPED_DAY = "aa000000000000000000000000000001"; // gone, 20 days ago, alone in its day
const PURGED = "aa000000000000000000000000000002"; // gone, 8 days ago, beside long's trace
const KEPT_BESIDE = "aa000000000000000000000000000003"; // long, 8 days ago
const STRANDED = "aa000000000000000000000000000004"; // gone, 15 days ago, its summary gone
const STRANDED_BESIDE = "aa000000000000000000000000000005"; // long, 15 days ago
const HELD = "aa000000000000000000000000000006"; // held, 25 days ago, alone in its day
const SAMPLED = "aa0000000000000000ffffffffffff07"; // sampled, recent; its low bits put it out of the sample

let t: TestDatabase;

const sealedSpans = async (tenant: string, traceId: string) =>
  (
    await t.sql<{ n: number }[]>`
      SELECT coalesce(sum(span_count), 0)::int AS n FROM span_segments WHERE tenant_id = ${tenant} AND trace_id = ${checkedTraceIdUuid(traceId)}::uuid`
  )[0]!.n;

/** The trace's refs (its root, error and job spans). */
const refs = async (tenant: string, traceId: string) =>
  (
    await t.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM sealed_span_refs WHERE tenant_id = ${tenant} AND trace_id = ${checkedTraceIdUuid(traceId)}::uuid`
  )[0]!.n;

beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`
    INSERT INTO tenants (id, name, retention_days, kept_retention_days, legal_hold, keep_ratio) VALUES
      ('gone', 'Gone', 7, 10, false, 1), ('long', 'Long', 30, 45, false, 1), ('held', 'Held', 3, 10, true, 1),
      ('sampled', 'Sampled', 14, 30, false, 0.000001)`;
  await insertSyntheticTrace(t.sql, { tenant: "gone", traceId: DROPPED_DAY, spans: 30, start: daysAgo(20) });
  await insertSyntheticTrace(t.sql, { tenant: "gone", traceId: PURGED, spans: 40, start: daysAgo(8) });
  await insertSyntheticTrace(t.sql, { tenant: "long", traceId: KEPT_BESIDE, spans: 10, start: daysAgo(8) });
  await insertSyntheticTrace(t.sql, { tenant: "gone", traceId: STRANDED, spans: 25, start: daysAgo(15) });
  await insertSyntheticTrace(t.sql, { tenant: "long", traceId: STRANDED_BESIDE, spans: 10, start: daysAgo(15) });
  await insertSyntheticTrace(t.sql, { tenant: "held", traceId: HELD, spans: 35, start: daysAgo(25) });
  await insertSyntheticTrace(t.sql, { tenant: "sampled", traceId: SAMPLED, spans: 45 });
  // Standard traces (the synthetic ones have an error span): expired past the standard cutoff.
  await t.sql`UPDATE traces SET has_error = false, error_count = 0, updated_at = now() - interval '1 hour'`;
  await t.sql`INSERT INTO trace_seal_pending (tenant_id, trace_id, queued_at) SELECT tenant_id, trace_id, updated_at FROM traces`;
  expect(await sealTraces(t.url, { now, quietMinutes: 30 })).toMatchObject({ traces: 7, spans: 195, failed: [] });
  expect((await t.sql`SELECT count(*)::int AS n FROM spans`)[0]!.n).toBe(0);
  for (const [tenant, id] of [["gone", DROPPED_DAY], ["gone", PURGED], ["gone", STRANDED], ["long", KEPT_BESIDE], ["held", HELD]] as const) {
    expect(await refs(tenant, id)).toBeGreaterThan(1);
  }
  await t.sql`DELETE FROM traces WHERE trace_id = ${checkedTraceIdUuid(STRANDED)}::uuid`;
});

afterAll(async () => {
  await t.drop();
});

describe("sealed spans under retention", () => {
  it("are dropped with their day, purged with their trace or as stranded spans, and kept under legal hold", async () => {
    const result = await runRetention(t, { trigger: "test", now, batchSize: 10 });
    if (result.status === "busy") throw new Error("expected the run to execute");
    expect(result.error).toBeNull();
    expect(result.partitionsDropped).toContain(`span_segments_p${dayName(daysAgo(20))}`);
    expect(result.partitionsDropped).not.toContain(`span_segments_p${dayName(daysAgo(25))}`);
    expect(result.partitionsDropped).not.toContain(`span_segments_p${dayName(daysAgo(8))}`);
    expect(result.partitionsDropped).toContain(`sealed_span_refs_p${dayName(daysAgo(20))}`);
    expect(result.partitionsDropped).not.toContain(`sealed_span_refs_p${dayName(daysAgo(25))}`);
    // The dropped day's trace summary goes by rows (its spans went with the partition); refs are no spans of their own.
    expect(result.counts.tenants.gone).toMatchObject({ partitionSpans: 30, standard: { traces: 2, spans: 40 }, strandedSpans: 25 });

    expect(await sealedSpans("gone", DROPPED_DAY)).toBe(0);
    expect(await sealedSpans("gone", PURGED)).toBe(0);
    expect(await sealedSpans("gone", STRANDED)).toBe(0);
    expect(await sealedSpans("long", KEPT_BESIDE)).toBe(10);
    expect(await sealedSpans("long", STRANDED_BESIDE)).toBe(10);
    expect(await sealedSpans("held", HELD)).toBe(35);
    expect([await refs("gone", DROPPED_DAY), await refs("gone", PURGED), await refs("gone", STRANDED)]).toEqual([0, 0, 0]);
    // 10-span traces: error at 5, jobs at 4 and 9; 35 spans: 7 jobs and the error.
    expect([await refs("long", KEPT_BESIDE), await refs("long", STRANDED_BESIDE), await refs("held", HELD)]).toEqual([3, 3, 8]);
  });

  it("go with a trace tail sampling drops", async () => {
    await t.sql`INSERT INTO trace_sampling_pending (tenant_id, trace_id) VALUES ('sampled', ${checkedTraceIdUuid(SAMPLED)}::uuid)`;
    const result = await applyTailSampling(t.sql, { now, decisionWindowMinutes: 1 });
    expect(result).toMatchObject({ decided: 1, dropped: 1, droppedSpans: 45 });
    expect(await sealedSpans("sampled", SAMPLED)).toBe(0);
  });
});
