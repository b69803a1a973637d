import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { auditFilterParams } from "./audit-params";
import { PEOPLE, seedAuditLog } from "./query.fixtures";
import { privilegedAccessSummary } from "./summary";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedAuditLog(t.sql);
});
afterAll(async () => {
  await t.drop();
});

/** The same numbers written out plainly, one query per figure. */
async function expected(actorId: string) {
  const reads = t.sql`action ~ '^(trace|latency|investigate)\\.' AND outcome = 'allowed'`;
  const [row] = await t.sql`
    SELECT (SELECT count(*)::int FROM audit_log WHERE actor_id = ${actorId} AND ${reads}) AS reads,
           (SELECT count(*)::int FROM audit_log WHERE actor_id = ${actorId} AND ${reads} AND tenants = '{}') AS unscoped,
           (SELECT count(*)::int FROM audit_log WHERE actor_id = ${actorId} AND outcome = 'denied') AS denied,
           (SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{}') FROM audit_log, unnest(tenants) x WHERE actor_id = ${actorId} AND ${reads}) AS tenants,
           (SELECT max(at) FROM audit_log WHERE actor_id = ${actorId} AND ${reads}) AS last_read,
           (SELECT max(at) FROM audit_log WHERE actor_id = ${actorId}) AS last_seen`;
  return row!;
}

describe("privilegedAccessSummary", () => {
  it("matches plain SQL for every user: reads, tenants touched, unscoped reads, denials, last access", async () => {
    const summary = await privilegedAccessSummary(t.sql, auditFilterParams.parse({ range: "1h" }));
    expect(summary.map((s) => s.email).sort()).toEqual(Object.values(PEOPLE).map((p) => p.email).sort());
    for (const s of summary) {
      const e = await expected(s.actorId);
      expect(s, s.email ?? "").toMatchObject({
        traceDataAccesses: e.reads,
        unscopedAccesses: e.unscoped,
        deniedAttempts: e.denied,
        tenantsTouched: e.tenants,
        lastTraceDataAccess: e.last_read,
        lastSeen: e.last_seen,
      });
    }
  });

  it("gives the figures a reviewer expects for the fixture", async () => {
    const summary = await privilegedAccessSummary(t.sql, auditFilterParams.parse({ range: "1h" }));
    const viewer = summary.find((s) => s.email === PEOPLE.viewer.email)!;
    expect(viewer).toMatchObject({ currentRole: "tenant_viewer", traceDataAccesses: 3, deniedAttempts: 1, tenantsTouched: ["acme", "globex"], rolesSeen: [] });
    const auditor = summary.find((s) => s.email === PEOPLE.auditor.email)!;
    expect(auditor).toMatchObject({ traceDataAccesses: 0, deniedAttempts: 1, lastTraceDataAccess: null });
    expect(summary[0]!.email).toBe(PEOPLE.viewer.email);
  });

  it("applies user, role and tenant filters but not action or outcome", async () => {
    const byTenant = await privilegedAccessSummary(t.sql, auditFilterParams.parse({ range: "1h", tenant: "initech", outcome: "allowed", action: "admin.view" }));
    expect(byTenant.map((s) => [s.email, s.traceDataAccesses, s.deniedAttempts])).toEqual([
      ["admin@demo.test", 1, 0],
      ["viewer@demo.test", 0, 1],
    ]);
    const byRole = await privilegedAccessSummary(t.sql, auditFilterParams.parse({ range: "1h", role: "investigator" }));
    expect(byRole).toHaveLength(1);
    expect(byRole[0]).toMatchObject({ traceDataAccesses: 2, unscopedAccesses: 1, tenantsTouched: ["globex"] });
  });

  it("shows a role recorded at the time that differs from today's", async () => {
    await t.sql`UPDATE users SET role = 'auditor' WHERE id = ${PEOPLE.investigator.id}`;
    const [inv] = await privilegedAccessSummary(t.sql, auditFilterParams.parse({ range: "1h", user: PEOPLE.investigator.email }));
    expect(inv).toMatchObject({ currentRole: "auditor", rolesSeen: ["investigator"] });
  });
});
