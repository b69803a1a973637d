import { describe, expect, it } from "vitest";
import { roleAllows, seesAllTenants } from "./roles";

describe("role table", () => {
  it("gives trace data only to admin, investigator and tenant_viewer", () => {
    expect(roleAllows("admin", "traces:read")).toBe(true);
    expect(roleAllows("investigator", "traces:read")).toBe(true);
    expect(roleAllows("tenant_viewer", "traces:read")).toBe(true);
    expect(roleAllows("auditor", "traces:read")).toBe(false);
    expect(roleAllows(null, "traces:read")).toBe(false);
  });

  it("gives the audit log to admin and auditor, administration to admin only", () => {
    expect(roleAllows("auditor", "audit:read")).toBe(true);
    expect(roleAllows("admin", "audit:read")).toBe(true);
    expect(roleAllows("investigator", "audit:read")).toBe(false);
    expect(roleAllows("tenant_viewer", "admin")).toBe(false);
    expect(roleAllows("auditor", "admin")).toBe(false);
  });

  it("limits tenant_viewer to assigned tenants", () => {
    expect(seesAllTenants("tenant_viewer")).toBe(false);
    expect(seesAllTenants("auditor")).toBe(false);
    expect(seesAllTenants("investigator")).toBe(true);
  });
});
