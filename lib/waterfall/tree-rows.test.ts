import { describe, expect, it } from "vitest";
import { spanIdOf, TraceModelBuilder, type TraceModel } from "./trace-model";
import { collapseAll, collapseAtDepth, guidesFor, revealed, toggled, visibleRows } from "./tree-rows";
import { pageOf, widePage, type SimpleSpan } from "./testing";

function model(spans: SimpleSpan[]): TraceModel {
  const b = new TraceModelBuilder();
  b.add(pageOf(spans));
  return b.build();
}

/** The visible rows as "indent + short id", the way a reader sees the tree. */
function rowsOf(m: TraceModel, collapsed: ReadonlySet<number> = new Set()): string[] {
  const rows = visibleRows(m, collapsed);
  return Array.from(rows.span.subarray(0, rows.count), (i) => `${"  ".repeat(m.depth[i]!)}${spanIdOf(m, i).replace(/^0+/, "")}`);
}

const idx = (m: TraceModel, id: string) => m.indexOf.get(id.padStart(16, "0"))!;

// A request: root a, children b (starts later) and c (earlier), grandchildren under c.
const REQUEST: SimpleSpan[] = [
  { id: "a", start: 0, duration: 100 },
  { id: "b", parent: "a", start: 50, duration: 10 },
  { id: "c", parent: "a", start: 10, duration: 30 },
  { id: "d", parent: "c", start: 20, duration: 5 },
  { id: "e", parent: "c", start: 12, duration: 5 },
];

describe("visibleRows", () => {
  it("lists the tree depth-first with siblings in start order, whatever order the spans came in", () => {
    expect(rowsOf(model(REQUEST))).toEqual(["a", "  c", "    e", "    d", "  b"]);
    expect(rowsOf(model([...REQUEST].reverse()))).toEqual(["a", "  c", "    e", "    d", "  b"]);
  });

  it("hides the descendants of a collapsed span and shows them again when expanded", () => {
    const m = model(REQUEST);
    const collapsed = toggled(new Set(), idx(m, "c"));
    expect(rowsOf(m, collapsed)).toEqual(["a", "  c", "  b"]);
    expect(rowsOf(m, toggled(collapsed, idx(m, "c")))).toEqual(["a", "  c", "    e", "    d", "  b"]);
    expect(rowsOf(m, toggled(new Set(), idx(m, "a")))).toEqual(["a"]);
  });

  it("keeps a child's own collapsed state while an ancestor is collapsed", () => {
    const m = model(REQUEST);
    const both = new Set([idx(m, "a"), idx(m, "c")]);
    expect(rowsOf(m, both)).toEqual(["a"]);
    expect(rowsOf(m, toggled(both, idx(m, "a")))).toEqual(["a", "  c", "  b"]);
  });

  it("collapses a level, all, or nothing", () => {
    const m = model(REQUEST);
    expect(rowsOf(m, collapseAtDepth(m, 1))).toEqual(["a", "  c", "  b"]);
    expect(rowsOf(m, collapseAtDepth(m, 0))).toEqual(["a"]);
    expect(rowsOf(m, collapseAll(m))).toEqual(["a"]);
    expect(collapseAtDepth(m, 2).size).toBe(0);
  });

  it("shows spans whose parent is missing at the root, in start order with the true root", () => {
    const m = model([
      { id: "a", start: 10, duration: 100 },
      { id: "b", parent: "a", start: 20 },
      { id: "f", parent: "ff", start: 5 },
      { id: "aa", parent: "f", start: 6 },
      { id: "bb", parent: "ee", start: 50 },
    ]);
    expect(rowsOf(m)).toEqual(["f", "  aa", "a", "  b", "bb"]);
    expect(m.parent[idx(m, "f")]).toBe(-1);
  });

  it("shows every span of a parent cycle exactly once", () => {
    const m = model([
      { id: "a", parent: "b", start: 1 },
      { id: "b", parent: "a", start: 2 },
      { id: "c", parent: "c", start: 3 },
    ]);
    expect(rowsOf(m)).toEqual(["a", "  b", "c"]);
  });

  it("maps spans to rows and back", () => {
    const m = model(REQUEST);
    const rows = visibleRows(m, new Set([idx(m, "c")]));
    expect(rows.rowOf[idx(m, "b")]).toBe(2);
    expect(rows.rowOf[idx(m, "d")]).toBe(-1);
    expect(rows.span[rows.rowOf[idx(m, "b")]!]).toBe(idx(m, "b"));
  });

  it("handles 100,000 spans, collapsing the root to one row and expanding it back to all", () => {
    const b = new TraceModelBuilder();
    b.add(widePage(100_000, 4));
    const m = b.build();
    expect(m.size).toBe(100_000);
    expect(m.maxDepth).toBe(9);
    const all = visibleRows(m, new Set());
    expect(all.count).toBe(100_000);
    const seen = new Uint8Array(m.size);
    for (let r = 0; r < all.count; r++) seen[all.span[r]!] = 1;
    expect(seen.every((v) => v === 1)).toBe(true);
    // Depth-first: every row's parent is above it.
    for (let r = 1; r < all.count; r++) expect(all.rowOf[m.parent[all.span[r]!]!]!).toBeLessThan(r);
    expect(visibleRows(m, new Set([m.roots[0]!])).count).toBe(1);
    expect(visibleRows(m, collapseAtDepth(m, 1)).count).toBe(5);
  });
});

describe("guidesFor", () => {
  it("draws a tee for a span with later siblings, an elbow for the last, lines for open ancestors", () => {
    const m = model(REQUEST);
    expect(guidesFor(m, idx(m, "a"))).toEqual([]);
    expect(guidesFor(m, idx(m, "c"))).toEqual(["tee"]);
    expect(guidesFor(m, idx(m, "e"))).toEqual(["line", "tee"]);
    expect(guidesFor(m, idx(m, "d"))).toEqual(["line", "elbow"]);
    expect(guidesFor(m, idx(m, "b"))).toEqual(["elbow"]);
  });
});

describe("revealed", () => {
  it("expands the collapsed ancestors of a span and nothing else", () => {
    const m = model(REQUEST);
    const collapsed = new Set([idx(m, "a"), idx(m, "c"), idx(m, "b")]);
    expect([...revealed(m, collapsed, idx(m, "d"))]).toEqual([idx(m, "b")]);
    expect(revealed(m, collapsed, idx(m, "a"))).toBe(collapsed);
  });
});

describe("TraceModelBuilder", () => {
  it("joins pages, interning services and names, and keeps event ticks on their span", () => {
    const b = new TraceModelBuilder();
    b.add(pageOf([{ id: "a", start: 0, duration: 10, service: "web" }]));
    b.add(pageOf([{ id: "b", parent: "a", start: 2, service: "db", name: "op a", events: [3, 4] }]));
    const m = b.build();
    expect(m.services).toEqual(["web", "db"]);
    expect(m.names).toEqual(["op a"]);
    expect(m.events.get(idx(m, "b"))).toEqual([3000, 4000]);
    expect(m.start[idx(m, "b")]).toBe(2000);
    expect(m.end).toBe(10_000);
  });
});
