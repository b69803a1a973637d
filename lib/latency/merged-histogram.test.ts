import { describe, expect, it } from "vitest";
import { addHistogramText, BUCKET_COUNT, emptyHistogram, quantileBucketOf } from "./merged-histogram";

const merged = (...parts: [string, string][]) => {
  const h = emptyHistogram();
  for (const [buckets, weights] of parts) addHistogramText(h, buckets, weights);
  return h;
};

describe("histograms merged from their text form", () => {
  it("sums the weights of the same bucket across rows, whole or fractional", () => {
    const h = merged(["100,200", "3,0.25"], ["200,300", "4,1e-3"], ["5", "10.000000000000002"]);
    expect(h[100]).toBe(3);
    expect(h[200]).toBe(4.25);
    expect(h[300]).toBe(0.001);
    expect(h[5]).toBe(10.000000000000002);
    expect(h.reduce((a, b) => a + b, 0)).toBeCloseTo(17.251, 12);
  });

  it("holds every bucket a duration in nanoseconds can fall in", () => {
    expect(Math.floor(Math.log(2 ** 63) / Math.log(1.05))).toBe(BUCKET_COUNT - 1);
    expect(() => merged([String(BUCKET_COUNT), "1"])).toThrow(RangeError);
    expect(() => merged(["1,2", "1"])).toThrow(RangeError);
    expect(() => merged(["1", "1,2"])).toThrow(RangeError);
  });

  // The same cells as the SQL quantile's test in report.test.ts, for the same answers.
  it("takes a quantile as the first bucket reaching its share of the weight, as in SQL", () => {
    const h = merged(["100,200,300", "50,40,10"]);
    expect([0.5, 0.51, 0.9, 0.99].map((q) => quantileBucketOf(h, q))).toEqual([100, 200, 200, 300]);
    expect(quantileBucketOf(merged(["7", "0"]), 0.5)).toBeNull();
    expect(quantileBucketOf(emptyHistogram(), 0.5)).toBeNull();
  });

  it("subtracts a histogram, leaving no bucket behind for rounding noise", () => {
    const h = merged(["10,20,30", "0.1,0.2,5"]);
    addHistogramText(h, "10,20", "0.30000000000000004,0.1", 1);
    addHistogramText(h, "10,20", "0.4,0.30000000000000004", -1);
    expect(quantileBucketOf(h, 0)).toBe(30);
    expect(quantileBucketOf(h, 1)).toBe(30);
  });
});
