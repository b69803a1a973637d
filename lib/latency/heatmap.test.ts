import { describe, expect, it } from "vitest";
import { heatmapBands, timeTicks } from "./heatmap";

const cell = (bucket: number) => ({ t: "2026-01-01T00:00:00.000Z", bucket, weight: 1 });

describe("heatmap bands", () => {
  it("keeps the empty bands between the fastest and the slowest, slowest first", () => {
    expect(heatmapBands([cell(3), cell(9), cell(5), cell(3)])).toEqual([9, 8, 7, 6, 5, 4, 3]);
  });

  it("has no rows without cells", () => {
    expect(heatmapBands([])).toEqual([]);
  });
});

describe("time ticks", () => {
  it("labels about five evenly spaced steps, starting at the first", () => {
    expect(timeTicks(96)).toEqual([0, 20, 40, 60, 80]);
    expect(timeTicks(3)).toEqual([0, 1, 2]);
    expect(timeTicks(1)).toEqual([0]);
    expect(timeTicks(0)).toEqual([]);
  });
});
