import { describe, expect, it } from "vitest";
import { panned, scaled, viewAfterKey } from "./time-axis";

describe("keyboard zoom and pan", () => {
  it("zooms in and out about the centre and never leaves the trace", () => {
    expect(scaled({ start: 0, end: 1_000_000 }, 0.5, 1_000_000)).toEqual({ start: 250_000, end: 750_000 });
    expect(scaled({ start: 250_000, end: 750_000 }, 2, 1_000_000)).toEqual({ start: 0, end: 1_000_000 });
    // Zooming out at an edge stays inside; past the whole trace it stops at the whole trace.
    expect(scaled({ start: 900_000, end: 1_000_000 }, 2, 1_000_000)).toEqual({ start: 800_000, end: 1_000_000 });
    expect(scaled({ start: 0, end: 1_000_000 }, 2, 1_000_000)).toEqual({ start: 0, end: 1_000_000 });
  });

  it("stops zooming in at 1 µs", () => {
    let view = { start: 0, end: 1_000_000 };
    for (let i = 0; i < 40; i++) view = scaled(view, 0.5, 1_000_000);
    expect(view.end - view.start).toBe(1_000);
  });

  it("pans inside the trace", () => {
    expect(panned({ start: 0, end: 100 }, -50, 1_000)).toEqual({ start: 0, end: 100 });
    expect(panned({ start: 850, end: 950 }, 100, 1_000)).toEqual({ start: 900, end: 1_000 });
  });
});

describe("zoom and pan keys", () => {
  it("maps + − ← → 0 and ignores every other key", () => {
    const view = { start: 200, end: 400 };
    expect(viewAfterKey("+", view, 1_000_000)).toEqual(scaled(view, 0.5, 1_000_000));
    expect(viewAfterKey("-", { start: 400_000, end: 600_000 }, 1_000_000)).toEqual({ start: 300_000, end: 700_000 });
    expect(viewAfterKey("ArrowRight", { start: 0, end: 100 }, 1_000)).toEqual({ start: 10, end: 110 });
    expect(viewAfterKey("ArrowLeft", { start: 50, end: 150 }, 1_000)).toEqual({ start: 40, end: 140 });
    expect(viewAfterKey("0", view, 1_000)).toEqual({ start: 0, end: 1_000 });
    for (const key of ["a", "Enter", "Tab", " ", "ArrowUp"]) expect(viewAfterKey(key, view, 1_000)).toBeNull();
  });
});
