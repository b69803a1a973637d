import { describe, expect, it } from "vitest";
import { tenantRefusal } from "./tenant-denial";

const viewer = { role: "tenant_viewer" as const, tenantIds: ["acme", "globex"] };

describe("tenant refusal wording", () => {
  it("names the tenants outside a viewer's scope and offers the address without them", () => {
    expect(tenantRefusal(viewer, "/latency?tenant=acme&tenant=initech&range=7d")).toEqual({ tenants: ["initech"], href: "/latency?range=7d&tenant=acme" });
    expect(tenantRefusal(viewer, "/investigate/x?tenant=initech")).toEqual({ tenants: ["initech"], href: "/investigate/x" });
  });

  it("leaves the role as the reason when the role does not allow the section", () => {
    expect(tenantRefusal(viewer, "/audit?tenant=initech")).toBeNull();
    expect(tenantRefusal(viewer, "/admin?tenant=initech")).toBeNull();
    expect(tenantRefusal({ role: null, tenantIds: [] }, "/latency?tenant=initech")).toBeNull();
  });

  it("finds nothing to blame when every tenant is in scope, or the scope is all tenants", () => {
    expect(tenantRefusal(viewer, "/latency?tenant=acme")).toBeNull();
    expect(tenantRefusal({ role: "investigator", tenantIds: [] }, "/latency?tenant=initech")).toBeNull();
    expect(tenantRefusal(viewer, null)).toBeNull();
    expect(tenantRefusal(viewer, "https://elsewhere.example/latency?tenant=initech")).toBeNull();
  });
});
