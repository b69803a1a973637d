import { describe, expect, it } from "vitest";
import { DEFAULT_PANE_WIDTHS, PANE_LIMITS, paneWidthsKey, parsePaneWidths } from "./pane-widths";

describe("stored pane widths", () => {
  it("reads what was kept, within the limits", () => {
    expect(parsePaneWidths(JSON.stringify({ name: 250, detail: 500 }))).toEqual({ name: 250, detail: 500 });
    expect(parsePaneWidths(JSON.stringify({ name: 10, detail: 99_999 }))).toEqual({ name: PANE_LIMITS.name.min, detail: PANE_LIMITS.detail.max });
  });

  it("falls back to the defaults for anything unreadable", () => {
    for (const bad of [null, "", "{", "null", "[]", '{"name":"wide","detail":400}', '{"name":300}']) expect(parsePaneWidths(bad)).toEqual(DEFAULT_PANE_WIDTHS);
  });

  it("keeps each user's widths apart", () => {
    expect(paneWidthsKey("a")).not.toBe(paneWidthsKey("b"));
  });
});
