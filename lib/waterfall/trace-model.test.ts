import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SpanChunk, SpanTuple } from "./span-page";
import { spanIdOf, TraceModelBuilder, type TraceModel } from "./trace-model";
import { pageOf, type SimpleSpan } from "./testing";
import { visibleRows } from "./tree-rows";

// The builder indexes spans and looks up their parents as chunks arrive, and skips work when the
// spans came in start order with every parent before its children: whatever order and chunking
// the spans come in, the model must be the one the rules give (a repeated id names its last span,
// a missing parent makes a root, siblings in start order with ties by id, a cycle cut at its
// first span in start order).

function built(chunks: SimpleSpan[][]): TraceModel {
  const b = new TraceModelBuilder();
  for (const chunk of chunks) b.add(pageOf(chunk));
  return b.build();
}

/** Rows as "indent + short id". */
function rowsOf(m: TraceModel): string[] {
  const rows = visibleRows(m, new Set());
  return Array.from(rows.span.subarray(0, rows.count), (i) => `${"  ".repeat(m.depth[i]!)}${spanIdOf(m, i).replace(/^0+/, "")}`);
}

describe("the model built as chunks arrive", () => {
  it("finds a parent that comes in a later chunk than its children", () => {
    const m = built([[{ id: "c", parent: "b", start: 2 }], [{ id: "b", parent: "a", start: 1 }], [{ id: "a", start: 0, duration: 10 }]]);
    expect(rowsOf(m)).toEqual(["a", "  b", "    c"]);
    expect(m.maxDepth).toBe(2);
  });

  it("gives a child its parent's last span when the id comes again after the child", () => {
    const m = built([
      [
        { id: "a", start: 0, duration: 10 },
        { id: "b", parent: "a", start: 1 },
        { id: "c", parent: "b", start: 3 },
      ],
      [{ id: "b", start: 2 }],
    ]);
    expect(Array.from(m.parent)).toEqual([-1, 0, 3, -1]);
    expect(rowsOf(m)).toEqual(["a", "  b", "b", "  c"]);
  });

  it("sorts siblings that come out of start order across chunks", () => {
    const m = built([
      [
        { id: "a", start: 0, duration: 10 },
        { id: "c", parent: "a", start: 5 },
      ],
      [{ id: "b", parent: "a", start: 3 }],
      [{ id: "d", start: 4 }],
    ]);
    expect(rowsOf(m)).toEqual(["a", "  b", "  c", "d"]);
  });

  it("sorts siblings of one start by id when they come in another order", () => {
    const m = built([[{ id: "a", start: 0, duration: 10 }, { id: "f", parent: "a", start: 1 }], [{ id: "e", parent: "a", start: 1 }]]);
    expect(rowsOf(m)).toEqual(["a", "  e", "  f"]);
  });

  it("gives the depth below a parent that came after its child", () => {
    const m = built([
      [
        { id: "a", start: 0, duration: 10 },
        { id: "c", parent: "b", start: 2 },
        { id: "b", parent: "a", start: 1 },
      ],
    ]);
    expect(rowsOf(m)).toEqual(["a", "  b", "    c"]);
  });
});

// Small pools of ids, parents and starts, so repeats, orphans, cycles and ties are common.
const idOf = (k: number) => k.toString(16).padStart(16, "0");
const spansArb = fc
  .array(
    fc.record({ id: fc.integer({ min: 1, max: 12 }), parent: fc.integer({ min: 0, max: 14 }), start: fc.integer({ min: 0, max: 8 }) }),
    { minLength: 1, maxLength: 40 },
  )
  // One span per id and start: two spans alike in both would have no order between them.
  .map((spans) => spans.filter((s, i) => spans.findIndex((t) => t.id === s.id && t.start === s.start) === i));

/** The rows the rules give, as [span index, depth], computed plainly from the spans in arrival order. */
function expectedRows(spans: SpanTuple[]): [number, number][] {
  const last = new Map<string, number>();
  spans.forEach((s, i) => last.set(s[0], i));
  const parent = spans.map((s, i) => {
    const p = s[1] === "" ? -1 : (last.get(s[1]) ?? -1);
    return p === i ? -1 : p;
  });
  const before = (a: number, b: number) => spans[a]![2] - spans[b]![2] || (spans[a]![0] < spans[b]![0] ? -1 : spans[a]![0] > spans[b]![0] ? 1 : 0);
  const inOrder = spans.map((_, i) => i).sort(before);
  const children = (i: number) => inOrder.filter((c) => parent[c] === i);
  const reached = new Set<number>();
  const reach = (i: number) => {
    reached.add(i);
    for (const c of children(i)) if (!reached.has(c)) reach(c);
  };
  const roots = inOrder.filter((i) => parent[i] === -1);
  roots.forEach(reach);
  for (const i of inOrder) {
    if (reached.has(i)) continue;
    parent[i] = -1;
    roots.push(i);
    reach(i);
  }
  const rows: [number, number][] = [];
  const visit = (i: number, depth: number) => {
    rows.push([i, depth]);
    for (const c of children(i)) visit(c, depth + 1);
  };
  for (const r of roots.sort(before)) visit(r, 0);
  return rows;
}

describe("the model, whatever order and chunks the spans come in", () => {
  it("has the rows the rules give", () => {
    fc.assert(
      fc.property(spansArb, fc.array(fc.nat(), { maxLength: 5 }), (spans, cuts) => {
        const tuples = pageOf(spans.map((s) => ({ id: idOf(s.id), parent: s.parent === 0 ? undefined : idOf(s.parent), start: s.start })));
        const b = new TraceModelBuilder(2);
        let from = 0;
        for (const cut of [...cuts.map((c) => c % tuples.length), tuples.length].sort((x, y) => x - y)) {
          const chunk: SpanChunk = tuples.slice(from, cut);
          if (chunk.length > 0) b.add(chunk);
          from = Math.max(from, cut);
        }
        const m = b.build();
        const rows = visibleRows(m, new Set());
        const expected = expectedRows(tuples);
        expect(Array.from(rows.span.subarray(0, rows.count), (i) => [i, m.depth[i]!])).toEqual(expected);
        expect(m.maxDepth).toBe(Math.max(...expected.map(([, d]) => d)));
      }),
      { numRuns: 500 },
    );
  });
});
