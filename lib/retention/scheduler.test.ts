import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
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

it("runs the purge and tail sampling on their own, and stops cleanly", async () => {
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
