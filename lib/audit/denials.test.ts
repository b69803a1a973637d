import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { DenialAggregator, DENIALS_WRITTEN_PER_MINUTE } from "./denials";
import type { AuditRecord } from "./record";
import { verifyAuditChain } from "./verify";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

const denial = (ip: string, n: number, action = "trace.view"): AuditRecord => ({
  actor: { id: null, email: null, role: null },
  action,
  resource: `/api/traces/${n}`,
  outcome: "denied",
  details: { reason: "signed-out" },
  request: { ip, userAgent: "curl", requestId: `req-${ip}-${n}`, traceId: null },
});

describe("DenialAggregator", () => {
  it("writes the first few per source, action and minute, then one row with the count when the minute is over", async () => {
    let now = Date.UTC(2026, 0, 1, 12, 0, 5);
    const aggregator = new DenialAggregator(() => now);
    for (let i = 0; i < 50; i++) await aggregator.record(t.sql, denial("203.0.113.7", i));
    for (let i = 0; i < 3; i++) await aggregator.record(t.sql, denial("198.51.100.2", i));
    for (let i = 0; i < 2; i++) await aggregator.record(t.sql, denial("203.0.113.7", i, "trace.search"));
    expect(await t.sql`SELECT count(*)::int AS n FROM audit_log`).toEqual([{ n: DENIALS_WRITTEN_PER_MINUTE + 3 + 2 }]);

    now += 60_000;
    await aggregator.record(t.sql, denial("203.0.113.7", 99));
    const counted = await t.sql`SELECT ip, request_id, resource, details FROM audit_log WHERE details ? 'count'`;
    expect(counted).toEqual([
      {
        ip: "203.0.113.7",
        request_id: null,
        resource: null,
        details: expect.objectContaining({ reason: "signed-out", aggregated: true, count: 50 - DENIALS_WRITTEN_PER_MINUTE, minute: "2026-01-01T12:00:00.000Z" }),
      },
    ]);
    expect(Object.keys(counted[0]!.details.resources)).toHaveLength(20);
    // The new minute starts writing rows of its own again.
    expect(await t.sql`SELECT 1 FROM audit_log WHERE request_id = 'req-203.0.113.7-99'`).toHaveLength(1);
    expect((await verifyAuditChain(t.sql)).firstBroken).toBeNull();
  });
});
