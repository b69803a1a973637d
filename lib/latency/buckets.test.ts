import { describe, expect, it } from "vitest";
import { bucketLowerNs, bucketMiddleNs, bucketUpperNs, displayBucketOf, quantileNs, toDisplayBuckets } from "./buckets";

const bucketOf = (ns: number) => Math.floor(Math.log(ns) / Math.log(1.05));

describe("latency buckets", () => {
  it("read any duration within 2.5% at its bucket's middle", () => {
    for (const ns of [1_000, 12_345, 250_000_000, 3_600_000_000_000]) {
      const b = bucketOf(ns);
      expect(bucketLowerNs(b)).toBeLessThanOrEqual(ns * (1 + 1e-9));
      expect(bucketUpperNs(b)).toBeGreaterThan(ns);
      expect(Math.abs(bucketMiddleNs(b) - ns) / ns).toBeLessThan(0.025);
    }
  });

  it("takes a quantile as the first bucket reaching its share of the weight", () => {
    const hist = new Map([
      [100, 50],
      [200, 40],
      [300, 10],
    ]);
    expect(quantileNs(hist, 0.5)).toBe(bucketMiddleNs(100));
    expect(quantileNs(hist, 0.51)).toBe(bucketMiddleNs(200));
    expect(quantileNs(hist, 0.9)).toBe(bucketMiddleNs(200));
    expect(quantileNs(hist, 0.99)).toBe(bucketMiddleNs(300));
    expect(quantileNs(new Map(), 0.5)).toBeNull();
  });

  it("groups fine buckets into doubling display bands", () => {
    expect(toDisplayBuckets(new Map([[0, 1], [13, 2], [14, 3]]))).toEqual(new Map([[0, 3], [1, 3]]));
    expect(displayBucketOf(27)).toBe(1);
  });
});
