import { afterAll, beforeAll, expect, it } from "vitest";
import { checkedTraceIdUuid } from "@/db/span-codec/ids";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { insertSyntheticTrace } from "@/lib/traces/testing/synthetic-trace";
import { startScheduler } from "./scheduler";
import { captureSpans } from "@trace-explorer/tracing/testing";

let t: TestDatabase;
// The purge runs as a traced job, and no job runs without trace metadata: tracing is on, as in the app.
let tracing: Awaited<ReturnType<typeof captureSpans>>;
beforeAll(async () => {
  tracing = await captureSpans({ serviceName: "retention-test" });
  t = await createTestDatabase();
});
afterAll(async () => {
  await tracing?.tracing.shutdown();
  await t.drop();
});

it("runs the purge, tail sampling and the sealer on their own, and stops cleanly", async () => {
  const logged: string[] = [];
  const log = { info: (_: unknown, m: string) => logged.push(m), warn: (_: unknown, m: string) => logged.push(`warn: ${m}`) };
  const scheduler = startScheduler({ db: t, log, purgeEveryMs: 60_000, firstPurgeAfterMs: 10, samplingEveryMs: 20 });
  for (let i = 0; i < 500 && (await t.sql`SELECT 1 FROM retention_runs WHERE outcome = 'completed'`).length === 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  await scheduler.stop();
  const runs = await t.sql<{ trigger: string }[]>`SELECT counts->>'trigger' AS trigger FROM retention_runs`;
  expect(runs).toEqual([{ trigger: "scheduler" }]);
  expect(logged.filter((m) => m.startsWith("warn"))).toEqual([]);
});

it("seals a trace that is quiet and decided, after tail sampling, and logs it", async () => {
  const trace = "5ea1ed00000000000000000000000001";
  const uuid = checkedTraceIdUuid(trace);
  await t.sql`INSERT INTO tenants (id, name) VALUES ('sealing', 'Sealing')`;
  await insertSyntheticTrace(t.sql, { tenant: "sealing", traceId: trace, spans: 30 });
  // Quiet for an hour and queued, as ingest queues a new trace of a tenant that keeps every trace.
  await t.sql`UPDATE traces SET updated_at = now() - interval '1 hour' WHERE trace_id = ${uuid}::uuid`;
  await t.sql`INSERT INTO trace_seal_pending (tenant_id, trace_id, queued_at) VALUES ('sealing', ${uuid}::uuid, now() - interval '1 hour')`;
  const logged: string[] = [];
  const log = { info: (_: unknown, m: string) => logged.push(m), warn: (_: unknown, m: string) => logged.push(`warn: ${m}`) };
  const scheduler = startScheduler({ db: t, log, purgeEveryMs: 3_600_000, firstPurgeAfterMs: 3_600_000, samplingEveryMs: 20, decisionWindowMinutes: 5 });
  for (let i = 0; i < 500 && !logged.includes("sealer sealed traces"); i++) await new Promise((r) => setTimeout(r, 20));
  await scheduler.stop();
  expect(logged).toContain("sealer sealed traces");
  expect(logged.filter((m) => m.startsWith("warn"))).toEqual([]);
  expect(await t.sql`SELECT count(*)::int AS n FROM spans WHERE trace_id = ${uuid}::uuid`).toEqual([{ n: 0 }]);
  expect(await t.sql`SELECT sum(span_count)::int AS n FROM span_segments WHERE trace_id = ${uuid}::uuid`).toEqual([{ n: 30 }]);
  expect(await t.sql`SELECT count(*)::int AS n FROM trace_seal_pending`).toEqual([{ n: 0 }]);
});
