import { describe, expect, it } from "vitest";
import { Random } from "./random";

describe("Random", () => {
  it("repeats its sequence for a seed and differs between nearby seeds", () => {
    const draw = (seed: number) => {
      const r = new Random(seed);
      return Array.from({ length: 5 }, () => r.uint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it("keeps draws within their ranges", () => {
    const r = new Random(1);
    for (let i = 0; i < 10_000; i++) {
      const n = r.next();
      expect(n >= 0 && n < 1).toBe(true);
      const k = r.int(3, 7);
      expect(Number.isInteger(k) && k >= 3 && k <= 7).toBe(true);
      expect(r.latency(1000)).toBeGreaterThan(0);
    }
    expect(r.hex(4)).toMatch(/^[0-9a-f]{4}$/);
    expect(r.hex(12)).toMatch(/^[0-9a-f]{12}$/);
  });

  it("picks weighted indexes in proportion to their weights", () => {
    const r = new Random(7);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[r.weighted([6, 3, 1])]!++;
    expect(counts[0]! / 30_000).toBeCloseTo(0.6, 1);
    expect(counts[1]! / 30_000).toBeCloseTo(0.3, 1);
    expect(counts[2]! / 30_000).toBeCloseTo(0.1, 1);
  });
});
