import { describe, expect, it } from "vitest";
import { oidcConfigFrom } from "./oidc-config";
import { claimedRole, decideRole, roleWithin } from "./oidc-roles";

const base = { AUTH_OIDC_ISSUER: "https://idp.example", AUTH_OIDC_CLIENT_ID: "trace-explorer" };

describe("oidcConfigFrom", () => {
  it("is off without an issuer and refuses a half-configured provider", () => {
    expect(oidcConfigFrom({})).toBeNull();
    expect(() => oidcConfigFrom({ AUTH_OIDC_ISSUER: "https://idp.example" })).toThrow(/AUTH_OIDC_CLIENT_ID/);
    expect(() => oidcConfigFrom({ ...base, AUTH_OIDC_ROLE_MAP: "ops=superuser" })).toThrow(/"ops=superuser" is not value=role/);
    expect(() => oidcConfigFrom({ ...base, AUTH_OIDC_ISSUER: "http://idp.example" })).toThrow(/must use https/);
    expect(oidcConfigFrom({ ...base, AUTH_OIDC_ISSUER: "http://127.0.0.1:8080" })?.issuer).toBe("http://127.0.0.1:8080");
  });

  it("reads the role claim and the value-to-role map", () => {
    const config = oidcConfigFrom({ ...base, AUTH_OIDC_ROLE_CLAIM: "groups", AUTH_OIDC_ROLE_MAP: "sre=investigator, audit=auditor ,guests=none" })!;
    expect(config.roleClaim).toBe("groups");
    expect([...config.roleMap]).toEqual([
      ["sre", "investigator"],
      ["audit", "auditor"],
      ["guests", null],
    ]);
    expect(config.name).toBe("Single sign-on");
  });
});

describe("roleWithin", () => {
  it("orders roles by what they allow and how many tenants they see", () => {
    expect(roleWithin("tenant_viewer", "investigator")).toBe(true);
    expect(roleWithin("investigator", "tenant_viewer")).toBe(false);
    expect(roleWithin("auditor", "admin")).toBe(true);
    expect(roleWithin("admin", "investigator")).toBe(false);
    expect(roleWithin("auditor", "investigator")).toBe(false);
    expect(roleWithin("investigator", "auditor")).toBe(false);
    expect(roleWithin(null, "auditor")).toBe(true);
    expect(roleWithin("auditor", null)).toBe(false);
  });
});

describe("claimedRole and decideRole", () => {
  const mapped = oidcConfigFrom({ ...base, AUTH_OIDC_ROLE_CLAIM: "groups", AUTH_OIDC_ROLE_MAP: "sre=investigator,platform-admins=admin,audit=auditor" })!;
  const direct = oidcConfigFrom({ ...base, AUTH_OIDC_ROLE_CLAIM: "role" })!;

  it("maps claim values, picking the strongest known role; unknown values mean no role", () => {
    expect(claimedRole({ groups: ["audit", "sre"] }, mapped)).toEqual({ present: true, role: "investigator", values: ["audit", "sre"] });
    expect(claimedRole({ groups: ["marketing"] }, mapped)).toEqual({ present: true, role: null, values: ["marketing"] });
    expect(claimedRole({ role: "auditor" }, direct)).toEqual({ present: true, role: "auditor", values: ["auditor"] });
    expect(claimedRole({ role: "root" }, direct)).toMatchObject({ present: true, role: null });
  });

  it("treats a missing claim, or no claim configured, as no information", () => {
    expect(claimedRole({}, mapped)).toEqual({ present: false });
    expect(claimedRole({ groups: [42] }, mapped)).toEqual({ present: false });
    expect(claimedRole({ groups: ["sre"] }, { roleClaim: null, roleMap: new Map() })).toEqual({ present: false });
  });

  it("lets the identity provider take rights away but never grant them", () => {
    expect(decideRole("admin", claimedRole({ groups: ["sre"] }, mapped))).toEqual({ kind: "lower", role: "investigator" });
    expect(decideRole("investigator", claimedRole({ groups: ["marketing"] }, mapped))).toEqual({ kind: "lower", role: null });
    expect(decideRole("investigator", claimedRole({ groups: ["platform-admins"] }, mapped))).toEqual({ kind: "refuse", claimed: "admin" });
    expect(decideRole(null, claimedRole({ groups: ["audit"] }, mapped))).toEqual({ kind: "refuse", claimed: "auditor" });
    expect(decideRole("tenant_viewer", claimedRole({ role: "investigator" }, direct))).toEqual({ kind: "refuse", claimed: "investigator" });
    expect(decideRole("auditor", claimedRole({ role: "auditor" }, direct))).toEqual({ kind: "keep" });
    expect(decideRole("auditor", { present: false })).toEqual({ kind: "keep" });
  });
});
