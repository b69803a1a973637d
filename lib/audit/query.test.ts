import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { auditFilterParams, type AuditFilters } from "./audit-params";
import { queryAuditLog } from "./query";
import { ENTRIES, seedAuditLog } from "./query.fixtures";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedAuditLog(t.sql);
});
afterAll(async () => {
  await t.drop();
});

const filters = (params: Record<string, string | string[]>): AuditFilters => auditFilterParams.parse({ range: "1h", ...params });

/** The fixture entries as [email, action, outcome], newest first, for readable assertions. */
async function found(params: Record<string, string | string[]>) {
  const page = await queryAuditLog(t.sql, filters(params), undefined, 100);
  return page.rows.map((r) => `${r.actorEmail} ${r.action} ${r.outcome}`);
}

describe("queryAuditLog filters", () => {
  it("with no filter returns every row of the window, newest first, with all its fields", async () => {
    const page = await queryAuditLog(t.sql, filters({}), undefined, 100);
    expect(page.rows).toHaveLength(ENTRIES.length);
    expect(page.rows.map((r) => r.seq)).toEqual([...page.rows.map((r) => r.seq)].sort((a, b) => b - a));
    expect(page.rows[0]).toMatchObject({
      actorEmail: "viewer@demo.test",
      role: "tenant_viewer",
      action: "investigate.view",
      resource: "/investigate",
      tenants: ["acme"],
      outcome: "allowed",
      ip: "10.0.0.1",
      userAgent: "Mozilla/5.0\\r\\nInjected: yes",
      requestId: "req-00000001",
      traceId: "0af7651916cd43dd8448eb211c80319c",
      details: { note: "line1\\r\\nFAKE ENTRY" },
    });
    expect(page.rows[0]!.at).toBeInstanceOf(Date);
  });

  it("by user (any case)", async () => {
    expect(await found({ user: "Viewer@Demo.test" })).toEqual([
      "viewer@demo.test investigate.view allowed",
      "viewer@demo.test auth.sign_in success",
      "viewer@demo.test trace.view denied",
      "viewer@demo.test trace.view allowed",
      "viewer@demo.test trace.search allowed",
    ]);
  });

  it("by role", async () => {
    expect(await found({ role: "auditor" })).toEqual(["auditor@demo.test trace.search denied", "auditor@demo.test audit.view allowed"]);
  });

  it("by tenant: rows naming any of the tenants", async () => {
    expect(await found({ tenant: "initech" })).toEqual(["admin@demo.test trace.view allowed", "viewer@demo.test trace.view denied"]);
    expect(await found({ tenant: ["globex", "initech"] })).toHaveLength(4);
  });

  it("by tenant including unfiltered reads of all-tenant roles", async () => {
    expect(await found({ tenant: "initech", unscoped: "1" })).toEqual([
      "admin@demo.test trace.view allowed",
      "admin@demo.test admin.view allowed",
      "investigator@demo.test trace.search allowed",
      "viewer@demo.test trace.view denied",
    ]);
  });

  it("by exact action and by action prefix", async () => {
    expect(await found({ action: "trace.view" })).toHaveLength(3);
    expect(await found({ action: "trace." })).toHaveLength(6);
    expect(await found({ action: "trace" })).toEqual([]);
  });

  it("by trace-data actions only", async () => {
    expect(await found({ data: "trace" })).toHaveLength(8);
  });

  it("by outcome", async () => {
    expect(await found({ outcome: "denied" })).toEqual(["auditor@demo.test trace.search denied", "viewer@demo.test trace.view denied"]);
    expect(await found({ outcome: "failure" })).toEqual(["mallory@evil.test auth.sign_in failure"]);
  });

  it("by time window", async () => {
    const future = { from: new Date(Date.now() + 3_600_000).toISOString(), to: new Date(Date.now() + 7_200_000).toISOString() };
    expect(await found(future)).toEqual([]);
    // The URL speaks milliseconds and rows are written microseconds apart: start the window on
    // the next whole millisecond after the sixth row, and expect exactly the rows from there on.
    const [{ from, later }] = (await t.sql`
      WITH cut AS (SELECT date_trunc('milliseconds', at) + interval '1 millisecond' AS from FROM audit_log ORDER BY seq LIMIT 1 OFFSET 5)
      SELECT cut.from, (SELECT count(*)::int FROM audit_log WHERE at >= cut.from) AS later FROM cut`) as unknown as [{ from: Date; later: number }];
    expect(later).toBeGreaterThan(0);
    expect(later).toBeLessThan(ENTRIES.length);
    const page = await queryAuditLog(t.sql, auditFilterParams.parse({ from: from.toISOString(), to: new Date(Date.now() + 60_000).toISOString() }), undefined, 100);
    expect(page.rows).toHaveLength(later);
  });

  it("combined: who read tenant acme's trace data, allowed only", async () => {
    expect(await found({ tenant: "acme", data: "trace", outcome: "allowed" })).toEqual([
      "viewer@demo.test investigate.view allowed",
      "viewer@demo.test trace.view allowed",
      "viewer@demo.test trace.search allowed",
    ]);
    expect(await found({ tenant: "globex", role: "investigator", action: "latency.view", user: "investigator@demo.test" })).toEqual([
      "investigator@demo.test latency.view allowed",
    ]);
    expect(await found({ tenant: "globex", role: "tenant_viewer", action: "latency.view" })).toEqual([]);
  });

  it("pages by keyset without gaps or repeats", async () => {
    const seen: number[] = [];
    let cursor: number | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await queryAuditLog(t.sql, filters({}), cursor, 5);
      seen.push(...page.rows.map((r) => r.seq));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(ENTRIES.length);
    expect(new Set(seen).size).toBe(ENTRIES.length);
  });
});
