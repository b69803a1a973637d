import { describe, expect, it } from "vitest";
import { formatCount } from "./count";

describe("formatCount", () => {
  it("groups thousands and rounds re-weighted counts to whole spans", () => {
    expect(formatCount(345957)).toBe("345,957");
    expect(formatCount(999)).toBe("999");
    expect(formatCount(1234.6)).toBe("1,235");
    expect(formatCount(12_345_678_901n)).toBe("12,345,678,901");
  });
});
