import { describe, expect, it } from "vitest";
import { labelPlacement, labelWidth } from "./label-placement";

describe("labelPlacement", () => {
  const px = 600;
  const label = labelWidth("12.34 ms");

  it("puts the label after a bar that leaves room at the right", () => {
    expect(labelPlacement(0.1, 0.5, px, label)).toBe("after");
  });

  it("puts it before a bar that runs to the end, when there is room at the left", () => {
    expect(labelPlacement(0.5, 1, px, label)).toBe("before");
  });

  it("puts it inside a bar that starts at 0 and runs to the end (the root), or past both ends", () => {
    expect(labelPlacement(0, 1, px, label)).toBe("inside");
    expect(labelPlacement(-0.5, 1.5, px, label)).toBe("inside");
    // Nearly full: a few pixels either side are not enough.
    expect(labelPlacement(0.01, 0.99, px, label)).toBe("inside");
  });

  it("follows the timeline's width: what fits at 1,200 px does not at 200", () => {
    expect(labelPlacement(0.05, 0.9, 1_200, label)).toBe("after");
    expect(labelPlacement(0.05, 0.9, 200, label)).toBe("inside");
  });
});
