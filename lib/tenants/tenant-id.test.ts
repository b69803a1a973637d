import { describe, expect, it } from "vitest";
import { isValidTenantId, tenantIdSchema } from "./tenant-id";

describe("tenant ids", () => {
  // The cases of Grafana Tempo's tenant validation tests (pkg/util/tenant), plus our own limits.
  it.each(["tenant#1", "a/b", "..", ".", "", "x".repeat(64), "a..b", "../etc", " acme", "acme ", "ac me", "a,b", "a:b", "acme\n", "ténant", "-acme", "_acme", ".acme"])(
    "refuses %j",
    (id) => {
      expect(isValidTenantId(id)).toBe(false);
      expect(tenantIdSchema.safeParse(id).success).toBe(false);
    },
  );

  it.each(["acme", "ACME", "tenant-1", "tenant_1", "a.b", "0", "1acme", "x".repeat(63), "eu-west.acme_2"])("accepts %j", (id) => {
    expect(isValidTenantId(id)).toBe(true);
    expect(tenantIdSchema.parse(id)).toBe(id);
  });

  it("refuses what is not a string", () => {
    for (const value of [null, undefined, 42, ["acme"], { id: "acme" }]) expect(isValidTenantId(value)).toBe(false);
  });
});
