import { describe, expect, it } from "vitest";
import { resolveTimeRange, TimeRangeError, timeRangeParams, timeRangeToParams } from "./time-range";

const now = new Date("2026-11-24T12:00:00Z");

describe("time range", () => {
  it("a preset ends now", () => {
    const r = resolveTimeRange(timeRangeParams.parse({ range: "1h" }), "24h", now);
    expect(r).toEqual({ from: new Date("2026-11-24T11:00:00Z"), to: now, preset: "1h" });
  });

  it("falls back to the view's default preset", () => {
    expect(resolveTimeRange({}, "7d", now).from).toEqual(new Date("2026-11-17T12:00:00Z"));
  });

  it("an absolute window wins over a preset and round-trips through the URL", () => {
    const q = timeRangeParams.parse({ range: "1h", from: "2026-11-20T00:00:00Z", to: "2026-11-21T00:00:00+00:00" });
    const r = resolveTimeRange(q, "24h", now);
    expect(r.preset).toBeNull();
    expect(resolveTimeRange(timeRangeParams.parse(timeRangeToParams(r)), "24h", now)).toEqual(r);
  });

  it("refuses half, reversed, too long and malformed windows", () => {
    expect(() => resolveTimeRange(timeRangeParams.parse({ from: "2026-11-20T00:00:00Z" }), "24h", now)).toThrow(TimeRangeError);
    expect(() => resolveTimeRange(timeRangeParams.parse({ from: "2026-11-21T00:00:00Z", to: "2026-11-20T00:00:00Z" }))).toThrow(/before/);
    expect(() => resolveTimeRange(timeRangeParams.parse({ from: "2025-01-01T00:00:00Z", to: "2026-11-20T00:00:00Z" }))).toThrow(/180 days/);
    expect(timeRangeParams.safeParse({ from: "yesterday" }).success).toBe(false);
    expect(timeRangeParams.safeParse({ range: "2y" }).success).toBe(false);
  });
});
