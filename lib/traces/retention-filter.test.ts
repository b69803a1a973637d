import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { expectedSurvivors, seedHistory } from "@/lib/retention/testing/history";
import { spanWithinRetention, withinRetention } from "./retention-filter";

let t: TestDatabase;
const now = new Date();
beforeAll(async () => {
  t = await createTestDatabase();
  await seedHistory(t.sql, now, [
    { id: "short", retentionDays: 7, keptRetentionDays: 20 },
    { id: "long", retentionDays: 30, keptRetentionDays: 45 },
  ]);
});
afterAll(async () => {
  await t.drop();
});

it("shows exactly the traces, and the spans of the traces, that the purge keeps", async () => {
  const expected = await expectedSurvivors(t.sql, now);
  const [traces, spans] = await t.sql.begin(async (tx) => [
    await tx<{ key: string }[]>`
      SELECT t.tenant_id || '/' || t.trace_id AS key FROM traces t JOIN tenants n ON n.id = t.tenant_id
      WHERE ${withinRetention(tx)} ORDER BY 1`,
    await tx<{ n: number }[]>`
      SELECT count(*)::int AS n FROM spans s JOIN tenants n ON n.id = s.tenant_id WHERE ${spanWithinRetention(tx)}`,
  ]);
  expect(traces.map((r) => r.key)).toEqual(expected.traces);
  expect(spans[0]!.n).toBe(expected.spans);
});
