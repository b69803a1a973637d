import { describe, expect, it } from "vitest";
import { describeFlags } from "./span-flags";

describe("describeFlags", () => {
  it("names the sampled bit and the remote bits only when bit 8 says they are known", () => {
    expect(describeFlags(0)).toBe("0x00000000 (not sampled)");
    expect(describeFlags(0x1)).toBe("0x00000001 (sampled)");
    expect(describeFlags(0x301)).toBe("0x00000301 (sampled, remote parent)");
    expect(describeFlags(0x101)).toBe("0x00000101 (sampled, local parent)");
    // Bit 9 without bit 8 is not a claim about the parent.
    expect(describeFlags(0x200)).toBe("0x00000200 (not sampled)");
    expect(describeFlags(0x300, "context")).toBe("0x00000300 (not sampled, remote context)");
  });

  it("shows every bit of a fixed32, the top one included", () => {
    expect(describeFlags(0xffffffff)).toBe("0xffffffff (sampled, remote parent)");
    expect(describeFlags(-1)).toBe("0xffffffff (sampled, remote parent)");
  });
});
