import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { retentionSettingsSchema } from "./policy";
import { updateTenantRetention, type SettingsChange } from "./settings";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`INSERT INTO tenants (id, name, retention_days, kept_retention_days) VALUES ('acme', 'Acme', 14, 30)`;
});
afterAll(async () => {
  await t.drop();
});

const settings = { retentionDays: 20, keptRetentionDays: 40, slowThresholdMs: 1500, legalHold: true };

describe("retentionSettingsSchema (ADR-010 ranges)", () => {
  const problem = (input: Record<string, unknown>) => {
    const r = retentionSettingsSchema.safeParse({ ...settings, ...input });
    return r.success ? null : r.error.issues[0]!.message;
  };
  it("accepts the range edges", () => {
    expect(problem({ retentionDays: 1, keptRetentionDays: 1 })).toBeNull();
    expect(problem({ retentionDays: 90, keptRetentionDays: 180 })).toBeNull();
  });
  it("refuses values outside them with a message naming the range", () => {
    expect(problem({ retentionDays: 0 })).toBe("Standard retention must be between 1 and 90 days");
    expect(problem({ retentionDays: 91, keptRetentionDays: 100 })).toBe("Standard retention must be between 1 and 90 days");
    expect(problem({ keptRetentionDays: 181 })).toBe("Kept-trace retention must be between 1 and 180 days");
    expect(problem({ retentionDays: 30, keptRetentionDays: 20 })).toBe("Kept-trace retention cannot be shorter than the standard retention");
    expect(problem({ slowThresholdMs: 0 })).toBe("Slow threshold must be more than 0 ms");
    expect(problem({ retentionDays: "abc" })).toBe("Standard retention must be a whole number of days");
    expect(problem({ retentionDays: 2.5 })).toBe("Standard retention must be a whole number of days");
  });
});

describe("updateTenantRetention", () => {
  it("lets the gate decide with the old and new values, then changes the tenant", async () => {
    const seen: SettingsChange[] = [];
    const outcome = await updateTenantRetention(t.sql, "acme", settings, async (c) => (seen.push(c), true));
    expect(outcome).toBe("updated");
    expect(seen).toEqual([{ old: { retentionDays: 14, keptRetentionDays: 30, slowThresholdMs: 2000, legalHold: false }, new: settings }]);
    const [row] = await t.sql`SELECT retention_days, kept_retention_days, slow_threshold_ms, legal_hold FROM tenants WHERE id = 'acme'`;
    expect(row).toEqual({ retention_days: 20, kept_retention_days: 40, slow_threshold_ms: 1500, legal_hold: true });
  });

  it("changes nothing when the gate refuses, or the tenant does not exist", async () => {
    expect(await updateTenantRetention(t.sql, "acme", { ...settings, retentionDays: 3 }, async () => false)).toBe("denied");
    expect(await updateTenantRetention(t.sql, "nobody", settings, async () => true)).toBe("unknown tenant");
    const [row] = await t.sql`SELECT retention_days FROM tenants WHERE id = 'acme'`;
    expect(row).toEqual({ retention_days: 20 });
  });
});
