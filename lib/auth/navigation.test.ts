import { describe, expect, it } from "vitest";
import { navItemsFor } from "./navigation";

describe("navigation", () => {
  it("shows every section to an admin", () => {
    expect(navItemsFor("admin").map((i) => i.label)).toEqual(["Traces", "Latency", "Services", "Logs", "Investigate", "Audit", "Admin"]);
  });

  it("shows an auditor the audit log and no trace sections", () => {
    expect(navItemsFor("auditor").map((i) => i.label)).toEqual(["Audit"]);
  });

  it("shows nothing to a user without a role", () => {
    expect(navItemsFor(null)).toEqual([]);
  });
});
