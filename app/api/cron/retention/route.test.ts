import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { handleCronRequest } from "@/lib/retention/cron";
import { DENIALS_WRITTEN_PER_MINUTE, flushRepeatableDenials } from "@/lib/audit/denials";
import { auditKeyFromEnv } from "@/lib/audit/mac";
import { verifyAuditLog } from "@/lib/audit/verify";
import { RETENTION_LOCK_KEY } from "@/lib/retention/transaction";
import { connect } from "@/db/connect";
import { captureSpans } from "@trace-explorer/tracing/testing";

const SECRET = "s".repeat(20) + "-cron-secret-for-tests-0123456789";
let t: TestDatabase;
// The purge runs as a traced job, and no job runs without trace metadata: tracing is on, as in the app.
let tracing: Awaited<ReturnType<typeof captureSpans>>;
let route: typeof import("./route");

beforeAll(async () => {
  tracing = await captureSpans({ serviceName: "retention-test" });
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  process.env.AUTH_SECRET = "a".repeat(40);
  process.env.CRON_SECRET = SECRET;
  route = await import("./route");
});
afterAll(async () => {
  await tracing?.tracing.shutdown();
  await t.drop();
});

const call = (method: string, authorization?: string) =>
  route[method as "POST"](
    new Request("http://localhost/api/cron/retention", { method, headers: authorization ? { authorization } : {} }),
    undefined as never,
  );

async function deniedRows() {
  return t.sql<{ actor_id: string | null; outcome: string; reason: string }[]>`
    SELECT actor_id, outcome, details->>'reason' AS reason FROM audit_log WHERE action = 'retention.run' AND outcome = 'denied' ORDER BY seq`;
}

describe("POST /api/cron/retention", () => {
  it("refuses a missing or wrong secret with 401 and audits each attempt with no actor", async () => {
    expect((await call("POST")).status).toBe(401);
    const wrong = await call("POST", `Bearer ${SECRET}x`);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: "a valid Authorization: Bearer <CRON_SECRET> header is required" });
    expect((await call("POST", SECRET)).status).toBe(401);
    expect(await deniedRows()).toEqual([
      { actor_id: null, outcome: "denied", reason: "missing secret" },
      { actor_id: null, outcome: "denied", reason: "wrong secret" },
      { actor_id: null, outcome: "denied", reason: "wrong secret" },
    ]);
    expect(await t.sql`SELECT 1 FROM retention_runs`).toEqual([]);
  });

  it("200 wrong secrets from one address write a handful of rows whose counts add up to 200; the chain verifies", async () => {
    const [{ before }] = (await t.sql`SELECT coalesce(max(seq), 0)::int AS before FROM audit_log`) as unknown as [{ before: number }];
    await flushRepeatableDenials();
    const statuses = await Promise.all(Array.from({ length: 200 }, () => call("POST", `Bearer wrong-${SECRET}`).then((r) => r.status)));
    expect(new Set(statuses)).toEqual(new Set([401]));
    await flushRepeatableDenials();
    const rows = await t.sql<{ count: number | null; request_id: string | null }[]>`
      SELECT (details->>'count')::int AS count, request_id FROM audit_log WHERE seq > ${before} AND action = 'retention.run' ORDER BY seq`;
    // A minute boundary during the run may split it in two.
    expect(rows.length).toBeLessThanOrEqual(2 * (DENIALS_WRITTEN_PER_MINUTE + 1));
    expect(rows.reduce((sum, r) => sum + (r.count ?? 1), 0)).toBe(200);
    expect(rows.filter((r) => r.count !== null).every((r) => r.request_id === null)).toBe(true);
    expect((await verifyAuditLog(t.sql, { key: auditKeyFromEnv() })).firstBroken).toBeNull();
  });

  it("answers other methods with 405, even with the right secret", async () => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      const res = await call(method, `Bearer ${SECRET}`);
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("POST");
    }
    expect(await t.sql`SELECT 1 FROM retention_runs`).toEqual([]);
  });

  it("runs the purge and returns the run id and counts", async () => {
    const res = await call("POST", `Bearer ${SECRET}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { runId: string; outcome: string; counts: { trigger: string } };
    expect(body).toMatchObject({ outcome: "completed", counts: { trigger: "cron" } });
    const [run] = await t.sql<{ id: string; outcome: string }[]>`SELECT id, outcome FROM retention_runs`;
    expect(run).toEqual({ id: body.runId, outcome: "completed" });
    expect(await t.sql`SELECT outcome FROM audit_log WHERE action = 'retention.run' AND outcome = 'success'`).toHaveLength(1);
  });

  it("answers 409 with the running run's id while another run holds the lock", async () => {
    const other = connect(t.url, { max: 1 });
    await other`SELECT pg_advisory_lock(${RETENTION_LOCK_KEY})`;
    const [running] = await other<{ id: string }[]>`INSERT INTO retention_runs DEFAULT VALUES RETURNING id`;
    const res = await call("POST", `Bearer ${SECRET}`);
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: "a retention run is already running", runId: running!.id });
    await other.end();
  });

  it("is disabled with a clear 503 when no CRON_SECRET is configured", async () => {
    const res = await handleCronRequest(new Request("http://localhost/api/cron/retention", { method: "POST", headers: { authorization: "Bearer x" } }), {
      db: { sql: t.sql, url: t.url },
      secret: undefined,
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toMatch(/CRON_SECRET is not set/);
  });
});
