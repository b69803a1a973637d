import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { AuditWriteError, recordAudit, type AuditRecord } from "./record";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

const base: AuditRecord = {
  actor: { id: null, email: "investigator@demo.test", role: "investigator" },
  action: "trace.search",
  tenants: ["acme", "globex"],
  outcome: "allowed",
  details: { filters: { service: "api" } },
  request: { ip: "10.1.2.3", userAgent: "Mozilla/5.0", requestId: "req-1234567890", traceId: "0af7651916cd43dd8448eb211c80319c" },
};

describe("recordAudit", () => {
  it("writes one chained row with who, what, which tenants, outcome and request ids", async () => {
    await recordAudit(t.sql, base);
    const rows = await t.sql`SELECT * FROM audit_log`;
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      actor_email: "investigator@demo.test",
      role: "investigator",
      action: "trace.search",
      tenants: ["acme", "globex"],
      outcome: "allowed",
      ip: "10.1.2.3",
      request_id: "req-1234567890",
      trace_id: "0af7651916cd43dd8448eb211c80319c",
      details: { filters: { service: "api" } },
    });
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.at).toBeInstanceOf(Date);
  });

  it("stores a forged user agent with its line breaks escaped", async () => {
    await recordAudit(t.sql, { ...base, request: { ...base.request, userAgent: "x\r\nFAKE ENTRY" } });
    const [row] = await t.sql`SELECT user_agent FROM audit_log ORDER BY seq DESC LIMIT 1`;
    expect(row!.user_agent).toBe("x\\r\\nFAKE ENTRY");
  });

  it("fails loudly with AuditWriteError when the row cannot be written", async () => {
    await expect(recordAudit(t.sql, { ...base, actor: { ...base.actor, id: "not-a-uuid" } })).rejects.toBeInstanceOf(AuditWriteError);
  });
});
