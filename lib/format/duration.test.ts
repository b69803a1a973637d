import { describe, expect, it } from "vitest";
import { formatDuration } from "./duration";

describe("formatDuration", () => {
  it("picks the unit a person reads fastest", () => {
    expect(formatDuration(512n)).toBe("512ns");
    expect(formatDuration(950_000n)).toBe("950µs");
    expect(formatDuration(12_345_678n)).toBe("12.3ms");
    expect(formatDuration(4_050_000_000n)).toBe("4.05s");
    expect(formatDuration(125_000_000_000n)).toBe("2m 5s");
  });
});
