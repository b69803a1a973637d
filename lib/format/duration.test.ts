import { describe, expect, it } from "vitest";
import { displayLowerNs } from "@/lib/latency/buckets";
import { formatDuration, formatDurationTick } from "./duration";

describe("formatDuration", () => {
  it("picks the unit a person reads fastest", () => {
    expect(formatDuration(512n)).toBe("512ns");
    expect(formatDuration(950_000n)).toBe("950µs");
    expect(formatDuration(12_345_678n)).toBe("12.3ms");
    expect(formatDuration(4_050_000_000n)).toBe("4.05s");
    expect(formatDuration(125_000_000_000n)).toBe("2m 5s");
  });

  it("rounds fractional nanoseconds (a band edge is a power of 1.05)", () => {
    expect(formatDuration(925.7673708681743)).toBe("926ns");
    expect(formatDuration(999.7)).toBe("1.00µs");
  });
});

describe("formatDurationTick", () => {
  it("labels axes with short numbers and a spaced unit", () => {
    expect(formatDurationTick(925.7673708681743)).toBe("926 ns");
    expect(formatDurationTick(1_234_567)).toBe("1.2 ms");
    expect(formatDurationTick(3_400_000_000)).toBe("3.4 s");
    expect(formatDurationTick(1_000)).toBe("1 µs");
    expect(formatDurationTick(999.9)).toBe("1 µs");
    expect(formatDurationTick(12_700_000)).toBe("13 ms");
    expect(formatDurationTick(90_000_000_000)).toBe("1.5 min");
    expect(formatDurationTick(3)).toBe("3 ns");
  });

  it("never shows a long fraction for any display band edge", () => {
    for (let band = 0; band < 40; band++) expect(formatDurationTick(displayLowerNs(band))).toMatch(/^\d{1,3}(\.\d)? (ns|µs|ms|s|min)$/);
  });
});
