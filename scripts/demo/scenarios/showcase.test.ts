import { describe, expect, it } from "vitest";
import { Random } from "../random";
import { TraceBuilder, type TenantProfile } from "../trace-builder";
import { buildShowcase, SHOWCASES } from "./showcase";

const TENANT: TenantProfile = { id: "acme", slowThresholdMs: 1500, errorFactor: 1, latencyFactor: 1 };

describe("demo showcases", () => {
  it("every seed gives each showcase a trace that shows its case", () => {
    for (let seed = 1; seed <= 5; seed++) {
      for (const showcase of SHOWCASES) expect(showcase.shows(buildShowcase(showcase, new Random(seed), TENANT))).toBe(true);
    }
  });

  it("a big trace with errors deep inside: exception events on error spans at depth 5 or more", () => {
    const t = buildShowcase(SHOWCASES[0]!, new Random(20261124), TENANT);
    expect(t.spans.length).toBeGreaterThan(2_000);
    const failed = t.spans.filter((s) => s.status === 2);
    expect(failed.length).toBeGreaterThan(3);
    expect(failed.some((s) => s.events?.some((e) => e.name === "exception" && typeof e.attributes["exception.message"] === "string"))).toBe(true);
  });

  it("refuses to loop forever when a scenario stops showing its case", () => {
    expect(() => buildShowcase({ build: () => {}, shows: (t: TraceBuilder) => t.spans.length > 0 }, new Random(1), TENANT)).toThrow(/no demo showcase/);
  });
});
