import { afterAll, beforeAll, expect, it } from "vitest";
import postgres from "postgres";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { runRetention } from "./run";
import { seedHistory } from "./testing/history";

/**
 * A reader that holds a snapshot of the spans open (a stalled download's transaction) holds
 * up every detach of a span partition: Postgres waits for it, and allows one pending detach
 * per table. The run must still complete, defer the span partitions it could not detach, and
 * drop them in the next run once the reader is gone.
 */
let t: TestDatabase;
const now = new Date();

beforeAll(async () => {
  t = await createTestDatabase();
  await seedHistory(t.sql, now, [{ id: "live", retentionDays: 3, keptRetentionDays: 10 }]);
});
afterAll(async () => {
  await t.drop();
});

async function run() {
  const result = await runRetention(t, { trigger: "test", now });
  if (result.status === "busy") throw new Error("another run holds the retention lock");
  return result;
}

const pendingDetaches = () => t.sql<{ name: string }[]>`SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhdetachpending`;

it("completes under a stalled reader, deferring the span partitions it cannot detach, and drops them once the reader is gone", async () => {
  const stalled = postgres(t.url, { max: 1, onnotice: () => {} });
  try {
    const reader = await stalled.reserve();
    await reader`BEGIN ISOLATION LEVEL REPEATABLE READ`;
    await reader`SELECT count(*) FROM spans`;

    const held = await run();
    expect(held.error).toBeNull();
    expect(held.status).toBe("completed");
    const heldSpans = held.counts.partitionsDeferred.filter((name) => name.startsWith("spans_"));
    // More than one expired day: the ones after the first wait behind its pending detach.
    expect(heldSpans.length).toBeGreaterThan(1);
    expect(held.partitionsDropped.filter((name) => name.startsWith("spans_"))).toEqual([]);
    // Log partitions are not read by the reader, so they go.
    expect(held.partitionsDropped.some((name) => name.startsWith("log_records_"))).toBe(true);

    // Again under the same reader: its pending detach is not finished, and no day's readers
    // and writers wait meanwhile (FINALIZE would hold, or queue for, the day's exclusive lock).
    const exclusive: string[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const rows = await t.sql<{ name: string }[]>`
          SELECT l.relation::regclass::text AS name FROM pg_locks l
          WHERE l.mode = 'AccessExclusiveLock' AND l.relation::regclass::text LIKE 'spans_p%'`;
        exclusive.push(...rows.map((r) => r.name));
        // Not in a tight loop: reading pg_locks takes every lock partition of the cluster, which
        // slowed this run, and every other test's, past the test's timeout on a busy CI machine.
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    // Stopped whatever the run does: a watcher left polling hid a failed run behind a timeout.
    const again = await run().finally(() => (watching = false));
    await watcher;
    expect(again.status).toBe("completed");
    expect(again.counts.partitionsDeferred.filter((name) => name.startsWith("spans_")).sort()).toEqual([...heldSpans].sort());
    expect(exclusive).toEqual([]);

    await reader`COMMIT`;
    reader.release();

    const next = await run();
    expect(next.status).toBe("completed");
    expect(next.counts.partitionsDeferred).toEqual([]);
    expect(next.partitionsDropped.filter((name) => name.startsWith("spans_")).sort()).toEqual([...heldSpans].sort());
    expect(await pendingDetaches()).toEqual([]);
  } finally {
    await stalled.end({ timeout: 5 });
  }
}, 120_000);
