import { describe, expect, it } from "vitest";
import { spanIdToBigint } from "../../db/span-codec/ids";
import { hex32, spanIdDecimal } from "./span-ids";

describe("demo span ids", () => {
  it("builds the same decimal text from two 32-bit halves as from the hex", () => {
    const cases: [number, number][] = [[0xffffffff, 0xffffffff], [0x80000000, 0], [0x7fffffff, 0xffffffff], [0xdeadbeef, 0xcafef00d], [0, 1]];
    for (const [hi, lo] of cases) {
      expect(spanIdDecimal(hi, lo)).toBe(spanIdToBigint(hex32(hi) + hex32(lo)).toString());
    }
  });
});
