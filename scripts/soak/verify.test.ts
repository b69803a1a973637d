import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkedTraceIdUuid } from "@/db/span-codec/ids";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { sealTraces } from "@/lib/traces/span-store/seal";
import { makeQuiet } from "@/lib/traces/testing/sealed-twin";
import { insertSyntheticTrace } from "@/lib/traces/testing/synthetic-trace";
import { SentSpans } from "./exporters";
import { SOAK_TENANTS } from "./seed";
import { verifyStorage } from "./verify";

// The soak's server runs the scheduler, whose sealer turns quiet traces into segments: the
// soak's check of what was stored must count those spans, or a long run reports them lost.
let t: TestDatabase;
const TENANT = SOAK_TENANTS[0];
const TRACES = ["5eab0000000000000000000000000001", "5eab0000000000000000000000000002"];

beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`INSERT INTO tenants (id, name) VALUES (${TENANT}, 'Soak A')`;
  const start = new Date(Date.now() - 3_600_000);
  for (const traceId of TRACES) await insertSyntheticTrace(t.sql, { tenant: TENANT, traceId, spans: 40, start });
});

afterAll(async () => {
  await t.drop();
});

describe("the soak's storage check", () => {
  it("counts a sealed trace's spans as stored, each once, and its summary as matching", async () => {
    const sent = new SentSpans();
    const rows = await t.sql<{ trace: string; span: string }[]>`
      SELECT replace(trace_id::text, '-', '') AS trace, lpad(to_hex(span_id), 16, '0') AS span FROM spans WHERE tenant_id = ${TENANT}`;
    for (const r of rows) sent.add(TENANT, r.trace, r.span);
    expect(sent.keys.size).toBe(80);
    const since = new Date(0);
    const asRows = await verifyStorage(t.url, sent, since);

    await t.sql`DELETE FROM trace_sampling_pending`;
    await makeQuiet(t.sql, TENANT, checkedTraceIdUuid(TRACES[0]!));
    expect(await sealTraces(t.url, { now: new Date(), quietMinutes: 30 })).toMatchObject({ traces: 1, spans: 40, failed: [] });
    const sealed = await verifyStorage(t.url, sent, since);

    for (const storage of [asRows, sealed]) {
      expect(storage).toMatchObject({ sent: 80, stored: 80, missing: 0, duplicates: 0, unexpected: 0, summaryMismatches: 0 });
      expect(storage.examples).toEqual([]);
    }
  });
});
