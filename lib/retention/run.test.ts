import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { verifyAuditChain } from "@/lib/audit/verify";
import { rebuildRollupSince } from "@/lib/ingest/derivations/rollup";
import { ensurePartitionsAhead } from "./partitions";
import { runRetention, RETENTION_LOCK_KEY, type RunResult } from "./run";
import { currentState, expectedSurvivors, seedHistory, type HistoryTenant } from "./testing/history";

const TENANTS: HistoryTenant[] = [
  { id: "short", retentionDays: 7, keptRetentionDays: 20 },
  { id: "long", retentionDays: 30, keptRetentionDays: 45 },
  { id: "default", retentionDays: 14, keptRetentionDays: 30 },
  // On hold, with traffic only in the last 40 days: days older than that may still be dropped.
  { id: "held", retentionDays: 3, keptRetentionDays: 10, legalHold: true, days: 40 },
];

function completed(result: RunResult) {
  if (result.status === "busy") throw new Error("expected the run to execute");
  return result;
}

async function advisoryHolder(sql: TestDatabase["sql"]): Promise<number | null> {
  const [row] = await sql<{ pid: number }[]>`
    SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = ${RETENTION_LOCK_KEY} AND granted`;
  return row?.pid ?? null;
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("a purge run over 60 days of data", () => {
  let t: TestDatabase;
  const now = new Date();
  let expected: Awaited<ReturnType<typeof expectedSurvivors>>;
  let before: Awaited<ReturnType<typeof currentState>>;
  let heldBefore: readonly object[];
  let heldLogsBefore: readonly object[];
  let heldRollupBefore: readonly object[];
  let rollupOldestBefore: Map<string, Date>;

  beforeAll(async () => {
    t = await createTestDatabase();
    await seedHistory(t.sql, now, TENANTS);
    // The latency rollup of the same spans, every grain, as the demo seed writes it.
    await rebuildRollupSince(t.sql, new Date(now.getTime() - 61 * 86_400_000));
    heldRollupBefore = await t.sql`SELECT * FROM span_rollup WHERE tenant_id = 'held' ORDER BY grain, minute, service, operation, kind, job_name`;
    rollupOldestBefore = new Map(
      (await t.sql<{ tenant_id: string; oldest: Date }[]>`SELECT tenant_id, min(minute) AS oldest FROM span_rollup GROUP BY 1`).map((r) => [r.tenant_id, r.oldest]),
    );
    expected = await expectedSurvivors(t.sql, now);
    before = await currentState(t.sql);
    heldBefore = await t.sql`SELECT * FROM spans WHERE tenant_id = 'held' ORDER BY trace_id, span_id`;
    heldLogsBefore = await t.sql`SELECT * FROM log_records WHERE tenant_id = 'held' ORDER BY time, record_id`;
  });
  afterAll(async () => {
    await t.drop();
  });

  it("removes exactly the expired traces and spans, keeps kept traces longer and leaves the held tenant alone", async () => {
    expect(expected.traces.length).toBeLessThan(before.traces.length);
    const result = completed(await runRetention(t, { trigger: "test", now, batchSize: 50 }));
    expect(result).toMatchObject({ status: "completed", error: null });
    const after = await currentState(t.sql);
    expect(after.traces).toEqual(expected.traces);
    expect(after.spans).toBe(expected.spans);
    expect(after.orphanSpans).toBe(0);
    // Log records go with their trace, or by the standard retention when they have none stored.
    expect(expected.logRecords).toBeLessThan(before.logRecords);
    expect(after.logRecords).toBe(expected.logRecords);

    // Kept traces of "long" outlive its 30-day standard retention; standard ones do not.
    const [long] = await t.sql<{ kept: number; standard: number }[]>`
      SELECT count(*) FILTER (WHERE has_error OR is_slow OR is_security)::int AS kept,
             count(*) FILTER (WHERE NOT (has_error OR is_slow OR is_security))::int AS standard
      FROM traces WHERE tenant_id = 'long' AND start_time < ${now}::timestamptz - interval '30 days'`;
    expect(long).toEqual({ kept: 3 * 15, standard: 0 });

    expect(await t.sql`SELECT * FROM spans WHERE tenant_id = 'held' ORDER BY trace_id, span_id`).toEqual(heldBefore);
    expect(await t.sql`SELECT * FROM log_records WHERE tenant_id = 'held' ORDER BY time, record_id`).toEqual(heldLogsBefore);
    expect(result.heldTenants).toEqual(["held"]);
    expect(Object.keys(result.counts.tenants).sort()).toEqual(["default", "long", "short"]);
  });

  it("drops whole days past every present tenant's retention, never one holding a held tenant's rows", async () => {
    const [run] = await t.sql<{ partitions_dropped: string[] }[]>`SELECT partitions_dropped FROM retention_runs`;
    const dropped = run!.partitions_dropped;
    // "long" keeps kept traces 45 days: days that ended before then, older than the held tenant's 40.
    expect(dropped.length).toBeGreaterThanOrEqual(14);
    expect(await t.sql`SELECT relname FROM pg_class WHERE relname = ANY(${dropped})`).toEqual([]);
    const heldDays = await t.sql<{ day: string }[]>`
      SELECT DISTINCT 'spans_p' || to_char(start_time AT TIME ZONE 'UTC', 'YYYYMMDD') AS day FROM spans WHERE tenant_id = 'held'`;
    for (const { day } of heldDays) expect(dropped).not.toContain(day);
    // Log record days go by the same rule.
    expect(dropped.filter((d) => d.startsWith("log_records_p")).length).toBeGreaterThanOrEqual(14);
    const heldLogDays = await t.sql<{ day: string }[]>`
      SELECT DISTINCT 'log_records_p' || to_char(time AT TIME ZONE 'UTC', 'YYYYMMDD') AS day FROM log_records WHERE tenant_id = 'held'`;
    for (const { day } of heldLogDays) expect(dropped).not.toContain(day);
    // The coming week's partitions exist.
    const ahead = new Date(now.getTime() + 7 * 86_400_000).toISOString().slice(0, 10).replaceAll("-", "");
    expect(await t.sql`SELECT 1 FROM pg_class WHERE relname = ${`spans_p${ahead}`}`).toHaveLength(1);
    // Log record days are made ahead as span days are (the migration made only its first week's).
    const later = new Date(now.getTime() + 30 * 86_400_000);
    await ensurePartitionsAhead(t.sql, later);
    const laterAhead = new Date(later.getTime() + 7 * 86_400_000).toISOString().slice(0, 10).replaceAll("-", "");
    expect(await t.sql`SELECT relname FROM pg_class WHERE relname IN (${`spans_p${laterAhead}`}, ${`log_records_p${laterAhead}`}) ORDER BY 1`).toEqual([
      { relname: `log_records_p${laterAhead}` },
      { relname: `spans_p${laterAhead}` },
    ]);
  });

  it("purges derived tables with the spans, and records the run and an audit row", async () => {
    const counters = await t.sql<{ tenant_id: string; oldest: string }[]>`
      SELECT tenant_id, min(day)::text AS oldest FROM ingest_counters GROUP BY tenant_id ORDER BY tenant_id`;
    const day = (daysBack: number) => new Date(now.getTime() - daysBack * 86_400_000).toISOString().slice(0, 10);
    expect(counters.find((c) => c.tenant_id === "short")!.oldest >= day(20)).toBe(true);
    expect(counters.find((c) => c.tenant_id === "held")!.oldest).toBe(day(39));

    // The latency rollup goes with each tenant's standard retention, every grain; held rows stay.
    const rollup = await t.sql<{ tenant_id: string; grain: number; oldest: Date }[]>`
      SELECT tenant_id, grain, min(minute) AS oldest FROM span_rollup GROUP BY 1, 2 ORDER BY 1, 2`;
    for (const tenant of TENANTS.filter((x) => !x.legalHold)) {
      const cutoff = now.getTime() - tenant.retentionDays * 86_400_000;
      expect(rollupOldestBefore.get(tenant.id)!.getTime()).toBeLessThan(cutoff);
      const grains = rollup.filter((r) => r.tenant_id === tenant.id);
      expect(grains.map((r) => r.grain)).toEqual([1, 15, 60, 360]);
      for (const g of grains) {
        expect(g.oldest.getTime()).toBeGreaterThanOrEqual(cutoff);
        // Only the expired periods went: the first period from the cutoff on is still there.
        expect(g.oldest.getTime()).toBeLessThan(cutoff + g.grain * 60_000 + 86_400_000);
      }
    }
    expect(await t.sql`SELECT * FROM span_rollup WHERE tenant_id = 'held' ORDER BY grain, minute, service, operation, kind, job_name`).toEqual(heldRollupBefore);

    const [run] = await t.sql<{ outcome: string; finished_at: Date | null; held_tenants: string[]; counts: { tenants: Record<string, { standard: { traces: number } }> } }[]>`
      SELECT outcome, finished_at, held_tenants, counts FROM retention_runs`;
    expect(run).toMatchObject({ outcome: "completed", held_tenants: ["held"] });
    expect(run!.finished_at).not.toBeNull();
    expect(run!.counts.tenants.short!.standard.traces).toBeGreaterThan(0);
    const audit = await t.sql`SELECT action, outcome, details->>'trigger' AS trigger FROM audit_log WHERE action = 'retention.run'`;
    expect(audit).toEqual([{ action: "retention.run", outcome: "success", trigger: "test" }]);
    expect((await verifyAuditChain(t.sql)).firstBroken).toBeNull();
  });

  it("deletes nothing on a second run", async () => {
    const state = await currentState(t.sql);
    const result = completed(await runRetention(t, { trigger: "test", now, batchSize: 50 }));
    expect(result.partitionsDropped).toEqual([]);
    for (const c of Object.values(result.counts.tenants)) {
      expect(c).toEqual({
        standard: { traces: 0, spans: 0, logRecords: 0 },
        kept: { traces: 0, spans: 0, logRecords: 0 },
        strandedSpans: 0,
        logRecordsAlone: 0,
        partitionSpans: 0,
        partitionLogRecords: 0,
        derived: {},
      });
    }
    expect(await currentState(t.sql)).toEqual(state);
  });
});

describe("one run at a time, and a run cut off", () => {
  let t: TestDatabase;
  const now = new Date();
  beforeAll(async () => {
    t = await createTestDatabase();
    await seedHistory(t.sql, now, TENANTS);
  });
  afterAll(async () => {
    await t.drop();
  });

  it("answers a second concurrent call with the running run's id", async () => {
    // Hold the tenants table so the first run waits inside its lock.
    const blocker = await t.sql.reserve();
    await blocker`BEGIN`;
    await blocker`LOCK TABLE tenants IN ACCESS EXCLUSIVE MODE`;
    const first = runRetention(t, { trigger: "first", now });
    await until(async () => (await advisoryHolder(t.sql)) !== null && (await t.sql`SELECT 1 FROM retention_runs`).length > 0, "the first run to start");
    const second = await runRetention(t, { trigger: "second", now });
    const [running] = await t.sql<{ id: string }[]>`SELECT id FROM retention_runs WHERE outcome = 'running'`;
    expect(second).toEqual({ status: "busy", runId: running!.id });
    await blocker`ROLLBACK`;
    blocker.release();
    expect(completed(await first)).toMatchObject({ status: "completed", runId: running!.id });
  });

  it("a run whose connection is killed midway is finished by the next one, same end state", async () => {
    await t.sql`TRUNCATE spans, traces, resources, ingest_counters, retention_runs`;
    await t.sql`DELETE FROM tenants`;
    await seedHistory(t.sql, now, TENANTS);
    const expected = await expectedSurvivors(t.sql, now);
    const initial = (await currentState(t.sql)).traces.length;

    const cut = runRetention(t, { trigger: "cut", now, batchSize: 3 });
    const traceCount = async () => (await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM traces`)[0]!.n;
    await until(async () => (await traceCount()) < initial - 30, "the first batches");
    const pid = await advisoryHolder(t.sql);
    await t.sql`SELECT pg_terminate_backend(${pid})`;
    // A kill that lands mid-statement can leave postgres.js waiting forever (porsager/postgres
    // #1208); a real process would be gone then. Either way the run did not finish its work.
    const cutResult = await Promise.race([cut.then(completed), new Promise<null>((r) => setTimeout(() => r(null), 15_000))]);
    if (cutResult) expect(cutResult.status).toBe("failed");
    expect((await currentState(t.sql)).traces.length).toBeGreaterThan(expected.traces.length);

    const next = completed(await runRetention(t, { trigger: "next", now, batchSize: 50 }));
    expect(next.status).toBe("completed");
    const after = await currentState(t.sql);
    expect(after.traces).toEqual(expected.traces);
    expect(after.spans).toBe(expected.spans);
    expect(after.orphanSpans).toBe(0);
    expect(after.logRecords).toBe(expected.logRecords);
  }, 120_000);

  it("marks a run left 'running' by a dead process as interrupted", async () => {
    await t.sql`DELETE FROM retention_runs WHERE outcome = 'running'`;
    const [stale] = await t.sql<{ id: string }[]>`INSERT INTO retention_runs (started_at) VALUES (now() - interval '2 hours') RETURNING id`;
    const result = completed(await runRetention(t, { trigger: "after-crash", now }));
    expect(result.counts.interruptedRunsFound).toBe(1);
    const [row] = await t.sql<{ outcome: string; finished_at: Date | null }[]>`SELECT outcome, finished_at FROM retention_runs WHERE id = ${stale!.id}`;
    expect(row!.outcome).toBe("interrupted");
    expect(row!.finished_at).not.toBeNull();
  });
});
