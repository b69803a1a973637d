import { describe, expect, it } from "vitest";
import { bucketLowerNs, bucketMiddleNs, bucketUpperNs, displayBucketOf, displayLowerNs, displayUpperNs } from "./buckets";

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

  it("groups fine buckets into doubling display bands", () => {
    expect([0, 13, 14, 27, 28].map(displayBucketOf)).toEqual([0, 0, 1, 1, 2]);
    expect(displayUpperNs(0)).toBe(displayLowerNs(1));
    expect(displayUpperNs(3) / displayLowerNs(3)).toBeCloseTo(1.98, 2);
  });
});
