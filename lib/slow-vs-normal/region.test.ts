import { describe, expect, it } from "vitest";
import { selectionSchema } from "./selection-params";
import { niceCeiling, quantile, regionLabel, regionParams } from "./region";

describe("regionParams", () => {
  it("widens a dragged region to whole milliseconds and nanoseconds, and the API reads it back", () => {
    const p = regionParams({ from: 1_700_000_000_000.6, to: 1_700_000_060_000.2, minNs: 1_234_567.8, maxNs: 2_000_000_000.1 });
    expect(Object.fromEntries(p)).toEqual({
      selFrom: "2023-11-14T22:13:20.000Z",
      selTo: "2023-11-14T22:14:20.001Z",
      selMin: "1234.567us",
      selMax: "2000000.001us",
    });
    const read = selectionSchema.parse(Object.fromEntries(p));
    expect(read.selMin).toBe(1_234_567n);
    expect(read.selMax).toBe(2_000_000_001n);
    expect(Object.fromEntries(regionParams({ minNs: 5e8 }))).toEqual({ selMin: "500ms" });
  });
});

describe("selectionSchema", () => {
  it("refuses an empty or inverted selection", () => {
    expect(selectionSchema.safeParse({}).success).toBe(false);
    expect(selectionSchema.safeParse({ selMin: "2s", selMax: "1s" }).success).toBe(false);
    expect(selectionSchema.safeParse({ selFrom: "2026-01-02T00:00:00Z", selTo: "2026-01-01T00:00:00Z" }).success).toBe(false);
    expect(selectionSchema.safeParse({ selMin: "soon" }).success).toBe(false);
  });
});

describe("region helpers", () => {
  it("labels, rounds an axis top up, and takes a quantile", () => {
    expect(regionLabel({ minNs: 2.1e9 }, "UTC")).toBe("the whole window, at least 2.10s");
    expect(regionLabel({ minNs: 1e6, maxNs: 5e6 }, "UTC")).toBe("the whole window, 1.00ms–5.00ms");
    expect([niceCeiling(0), niceCeiling(7), niceCeiling(2.2), niceCeiling(100), niceCeiling(1200)]).toEqual([1, 10, 2.5, 100, 2000]);
    expect(quantile([5, 1, 4, 2, 3], 0.95)).toBe(5);
    expect(quantile(Array.from({ length: 100 }, (_, i) => i + 1), 0.95)).toBe(95);
    expect(quantile([], 0.5)).toBe(0);
  });
});
