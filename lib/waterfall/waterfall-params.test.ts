import { describe, expect, it } from "vitest";
import { clampZoom, formatZoom, parseZoom } from "./waterfall-params";

describe("the zoom parameter", () => {
  it("round-trips a window in whole nanoseconds", () => {
    expect(parseZoom(formatZoom({ start: 1_500.4, end: 2_000_000.2 }))).toEqual({ start: 1_500, end: 2_000_001 });
  });

  it("ignores anything that is not start-end with start before end", () => {
    for (const bad of [undefined, "", "5", "5-", "-5", "5-5", "9-3", "1e3-2e3", "1-2-3", " 1-2", ["1-2"], "12345678901234567-2"]) expect(parseZoom(bad)).toBeNull();
  });

  it("clamps to the trace, and a window covering all of it is no zoom", () => {
    const full = { start: 0, end: 1_000_000 };
    expect(clampZoom({ start: 100, end: 5_000_000 }, full)).toEqual({ start: 100, end: 1_000_000 });
    expect(clampZoom({ start: 0, end: 1_000_000 }, full)).toBeNull();
    expect(clampZoom({ start: 2_000_000, end: 3_000_000 }, full)).toBeNull();
    expect(clampZoom({ start: 500, end: 501 }, full)).toEqual({ start: 500, end: 1_500 });
  });
});
