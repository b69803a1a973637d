import { describe, expect, it } from "vitest";
import { epochNanosText, TimestampFormatter } from "./timestamp";

describe("TimestampFormatter", () => {
  it("writes microsecond timestamps in UTC that Postgres reads back exactly", () => {
    const f = new TimestampFormatter();
    expect(f.format(Date.UTC(2025, 0, 2, 3, 4, 5) * 1000 + 7)).toBe("2025-01-02 03:04:05.000007+00");
    expect(f.format(Date.UTC(2025, 0, 2, 3, 4, 5) * 1000 + 999_999)).toBe("2025-01-02 03:04:05.999999+00");
    expect(f.format(Date.UTC(2025, 0, 2, 3, 4, 6) * 1000)).toBe("2025-01-02 03:04:06.000000+00");
    expect(f.format(Date.UTC(2024, 11, 31, 23, 59, 59) * 1000 + 123_456)).toBe("2024-12-31 23:59:59.123456+00");
  });

  it("gives the same text whatever order the timestamps come in", () => {
    const cached = new TimestampFormatter();
    const base = Date.UTC(2025, 5, 30, 23, 59, 58) * 1000;
    for (const offset of [0, 2_500_000, 1_000_001, 999_999, 5_000_000_000]) {
      const us = base + offset;
      const expected = new Date(Math.floor(us / 1000)).toISOString().replace("T", " ").replace(/\.(\d{3})Z$/, (_, ms: string) => `.${ms}${String(us % 1000).padStart(3, "0")}+00`);
      expect(cached.format(us)).toBe(expected);
    }
  });
});

describe("epochNanosText", () => {
  it("appends the sub-microsecond digits without losing precision", () => {
    expect(epochNanosText(1_735_787_045_000_007, 42)).toBe("1735787045000007042");
    expect(epochNanosText(1_735_787_045_000_007)).toBe("1735787045000007000");
  });
});
