import { describe, expect, it } from "vitest";
import { auditCursorParam, auditFilterParams, auditFiltersToSearch } from "./audit-params";

function problem(params: Record<string, unknown>): string {
  const result = auditFilterParams.safeParse(params);
  if (result.success) return "ok";
  const issue = result.error.issues[0]!;
  return `${issue.path.join(".")}: ${issue.message}`;
}

describe("audit filter parameters", () => {
  it("default to the last 7 days with no other filter", () => {
    const f = auditFilterParams.parse({});
    expect(f).toMatchObject({ user: null, role: null, tenants: [], action: null, traceData: false, outcome: null, unscoped: false });
    expect(f.range.preset).toBe("7d");
  });

  it("treat empty values as absent and normalise e-mail case and tenant order", () => {
    const f = auditFilterParams.parse({ user: " Viewer@Demo.TEST ", role: "", tenant: ["globex", "acme", "acme"], outcome: "" });
    expect(f).toMatchObject({ user: "viewer@demo.test", role: null, tenants: ["acme", "globex"], outcome: null });
  });

  it.each([
    [{ role: "root" }, /^role: one of admin, investigator, tenant_viewer, auditor/],
    [{ outcome: "maybe" }, /^outcome: one of allowed, denied, success, failure/],
    [{ user: "not an email" }, /^user: an e-mail address/],
    [{ user: `${"a".repeat(10_000)}@x.test` }, /^user: at most 254 characters/],
    [{ tenant: "acme' OR 1=1 --" }, /^tenant\.0: A tenant id is/],
    [{ tenant: "x".repeat(10_240) }, /^tenant\.0: A tenant id is/],
    [{ action: "trace.search'; DROP TABLE audit_log; --" }, /^action: a dotted action/],
    [{ action: "<script>alert(1)</script>" }, /^action: a dotted action/],
    [{ from: "yesterday", to: "2026-01-01T00:00:00Z" }, /^from: /],
    [{ from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z" }, /^from: from must be before to/],
    [{ from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }, /^from: the time range may span at most 180 days/],
    [{ from: "2026-01-01T00:00:00Z" }, /^from: from and to must be given together/],
    [{ range: "5y" }, /^range: /],
    [{ data: "spans" }, /^data: expected trace or nothing/],
    [{ role: ["admin", "auditor"] }, /^role: /],
  ])("refuse %j with a message naming the parameter", (params, message) => {
    expect(problem(params)).toMatch(message);
  });

  it("round-trip through a query string", () => {
    const f = auditFilterParams.parse({ user: "viewer@demo.test", role: "tenant_viewer", tenant: ["acme", "globex"], action: "trace.", data: "trace", outcome: "denied", unscoped: "1", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" });
    const search = new URLSearchParams(auditFiltersToSearch(f));
    const again = auditFilterParams.parse({ ...Object.fromEntries(search), tenant: search.getAll("tenant") });
    expect(again).toEqual(f);
  });

  it("accept only a positive whole cursor", () => {
    expect(auditCursorParam.parse("42")).toBe(42);
    expect(auditCursorParam.parse(undefined)).toBeUndefined();
    expect(auditCursorParam.safeParse("-1").success).toBe(false);
    expect(auditCursorParam.safeParse("1e400").success).toBe(false);
    expect(auditCursorParam.safeParse("abc").success).toBe(false);
  });
});
