import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { spanIdOf, TraceModelBuilder, type TraceModel } from "@/lib/waterfall/trace-model";
import { pageOf, widePage, type SimpleSpan } from "@/lib/waterfall/testing";
import { collapseAll, visibleRows } from "@/lib/waterfall/tree-rows";
import { alignTraces, biggestDifference, diffOf, sortedByDifference, weightsOf, type Alignment } from "./align";

function model(spans: readonly SimpleSpan[]): TraceModel {
  const b = new TraceModelBuilder();
  b.add(pageOf(spans));
  return b.build();
}

const short = (m: TraceModel, i: number) => (i < 0 ? "-" : spanIdOf(m, i).replace(/^0+/, ""));

/** The aligned tree as a reader sees it: indent, A's span, B's span, and the change. */
function rowsOf(al: Alignment, A: TraceModel, B: TraceModel): string[] {
  const rows = visibleRows(al, new Set());
  return Array.from(rows.span.subarray(0, rows.count), (n) => `${"  ".repeat(al.depth[n]!)}${short(A, al.a[n]!)}|${short(B, al.b[n]!)} ${diffOf(al, A, B, n).change}`);
}

// A checkout: the root calls the cart, then the database twice, then payment.
const CHECKOUT: SimpleSpan[] = [
  { id: "1", start: 0, duration: 100, service: "web", name: "POST /checkout" },
  { id: "2", parent: "1", start: 5, duration: 20, service: "cart", name: "GET /cart" },
  { id: "3", parent: "2", start: 6, duration: 10, service: "cart", name: "SELECT" },
  { id: "4", parent: "1", start: 30, duration: 10, service: "web", name: "SELECT" },
  { id: "5", parent: "1", start: 45, duration: 10, service: "web", name: "SELECT" },
  { id: "6", parent: "1", start: 60, duration: 30, service: "pay", name: "charge" },
];

describe("alignTraces", () => {
  it("pairs every span of a trace with itself, in the waterfall's order, all the same", () => {
    const A = model(CHECKOUT);
    const al = alignTraces(A, A);
    expect(rowsOf(al, A, A)).toEqual([
      "1|1 similar",
      "  2|2 similar",
      "    3|3 similar",
      "  4|4 similar",
      "  5|5 similar",
      "  6|6 similar",
    ]);
  });

  it("pairs same-keyed siblings by position and keeps what one trace has alone, with everything under it", () => {
    const A = model(CHECKOUT);
    // B: a third SELECT, no cart call (nor its SELECT), and a fraud check before payment.
    const B = model([
      { id: "a", start: 0, duration: 100, service: "web", name: "POST /checkout" },
      { id: "b", parent: "a", start: 30, duration: 10, service: "web", name: "SELECT" },
      { id: "c", parent: "a", start: 42, duration: 10, service: "web", name: "SELECT" },
      { id: "d", parent: "a", start: 52, duration: 3, service: "web", name: "SELECT" },
      { id: "e", parent: "a", start: 56, duration: 4, service: "fraud", name: "score" },
      { id: "f", parent: "e", start: 57, duration: 2, service: "fraud", name: "model" },
      { id: "aa", parent: "a", start: 60, duration: 30, service: "pay", name: "charge" },
    ]);
    expect(rowsOf(alignTraces(A, B), A, B)).toEqual([
      "1|a similar",
      "  2|- only-a",
      "    3|- only-a",
      "  4|b similar",
      "  5|c similar",
      "  -|d only-b",
      "  -|e only-b",
      "    -|f only-b",
      "  6|aa similar",
    ]);
  });

  it("never pairs spans whose parents differ, even with the same key", () => {
    const A = model([
      { id: "1", start: 0, service: "web", name: "root" },
      { id: "2", parent: "1", start: 1, service: "web", name: "left" },
      { id: "3", parent: "2", start: 2, service: "db", name: "SELECT" },
    ]);
    const B = model([
      { id: "1", start: 0, service: "web", name: "root" },
      { id: "2", parent: "1", start: 1, service: "web", name: "right" },
      { id: "3", parent: "2", start: 2, service: "db", name: "SELECT" },
    ]);
    expect(rowsOf(alignTraces(A, B), A, B)).toEqual(["1|1 similar", "  2|- only-a", "    3|- only-a", "  -|2 only-b", "    -|3 only-b"]);
  });

  it("two traces of different operations share nothing: root pairs only with a root of the same key", () => {
    const A = model([{ id: "1", start: 0, service: "web", name: "GET /a" }]);
    const B = model([{ id: "1", start: 0, service: "web", name: "GET /b" }]);
    expect(rowsOf(alignTraces(A, B), A, B)).toEqual(["1|- only-a", "-|1 only-b"]);
  });

  it("says slower, faster or similar with the absolute and relative difference", () => {
    const A = model([
      { id: "1", start: 0, duration: 100 },
      { id: "2", parent: "1", start: 1, duration: 40, name: "x" },
      { id: "3", parent: "1", start: 50, duration: 40, name: "y" },
    ]);
    const B = model([
      { id: "1", start: 0, duration: 102 },
      { id: "2", parent: "1", start: 1, duration: 10, name: "x" },
      { id: "3", parent: "1", start: 50, duration: 90, name: "y" },
    ]);
    const al = alignTraces(A, B);
    const diffs = Array.from({ length: al.size }, (_, n) => diffOf(al, A, B, n));
    // Root: +2 µs of 100 is within 5 %: similar.
    expect(diffs[0]).toMatchObject({ change: "similar", durationA: 100_000, durationB: 102_000, delta: 2_000, relative: 0.02 });
    expect(diffs[1]).toMatchObject({ change: "faster", delta: -30_000, relative: -0.75 });
    expect(diffs[2]).toMatchObject({ change: "slower", delta: 50_000, relative: 1.25 });
  });

  it("a span of no duration in A that takes time in B is slower, with no relative difference", () => {
    const A = model([{ id: "1", start: 0, duration: 0 }]);
    const B = model([{ id: "1", start: 0, duration: 5 }]);
    const al = alignTraces(A, B);
    expect(diffOf(al, A, B, 0)).toMatchObject({ change: "slower", delta: 5_000, relative: null });
  });
});

describe("biggestDifference", () => {
  // The checkout where payment's database call got 50 µs slower, and the cart a little faster.
  const A = model(CHECKOUT.concat([{ id: "7", parent: "6", start: 62, duration: 20, service: "pay", name: "INSERT" }]));
  const B = model(
    CHECKOUT.map((s) => (s.id === "1" ? { ...s, duration: 150 } : s.id === "6" ? { ...s, duration: 80 } : s.id === "2" ? { ...s, duration: 18 } : s)).concat([
      { id: "7", parent: "6", start: 62, duration: 68, service: "pay", name: "INSERT" },
    ]),
  );

  it("follows the difference down to the span that explains it", () => {
    const al = alignTraces(A, B);
    const n = biggestDifference(al, weightsOf(al, A, B));
    expect([short(A, al.a[n]!), short(B, al.b[n]!)]).toEqual(["7", "7"]);
    expect(diffOf(al, A, B, n)).toMatchObject({ change: "slower", delta: 48_000 });
  });

  it("stops where the children do not explain the difference", () => {
    // Two children each 20 µs slower under a root 40 µs slower: neither carries half.
    const base = [
      { id: "1", start: 0, duration: 100 },
      { id: "2", parent: "1", start: 1, duration: 10, name: "x" },
      { id: "3", parent: "1", start: 20, duration: 10, name: "y" },
      { id: "4", parent: "1", start: 40, duration: 10, name: "z" },
    ];
    const slower = base.map((s) => (s.id === "1" ? { ...s, duration: 140 } : s.id === "2" || s.id === "3" ? { ...s, duration: 29 } : s));
    const a = model(base);
    const b = model(slower);
    const al = alignTraces(a, b);
    expect(short(a, al.a[biggestDifference(al, weightsOf(al, a, b))]!)).toBe("1");
  });

  it("is -1 for two empty traces", () => {
    const empty = model([]);
    const al = alignTraces(empty, empty);
    expect(biggestDifference(al, weightsOf(al, empty, empty))).toBe(-1);
  });

  it("sorting by difference puts the slowest child first and keeps every node", () => {
    const al = alignTraces(A, B);
    const sorted = sortedByDifference(al, weightsOf(al, A, B));
    expect(rowsOf(sorted, A, B)).toEqual(["1|1 slower", "  6|6 slower", "    7|7 slower", "  2|2 faster", "    3|3 similar", "  4|4 similar", "  5|5 similar"]);
  });
});

// Random traces over a few keys, so that same-keyed siblings, one-sided spans and deep trees all occur.
const KEYS = ["a", "b", "c"];
const traceArb = fc.array(fc.record({ parent: fc.nat(), key: fc.constantFrom(...KEYS), start: fc.nat(50), duration: fc.nat(50) }), { maxLength: 40 }).map((spans) =>
  model(
    spans.map((s, i) => ({
      id: (i + 1).toString(16),
      // Parent earlier in the list, or none: a forest of trees.
      parent: i === 0 || s.parent % (i + 1) === i ? undefined : (s.parent % i + 1).toString(16),
      start: s.start,
      duration: s.duration,
      service: "svc",
      name: s.key,
    })),
  ),
);

describe("alignTraces properties", () => {
  it("every span of each trace is in exactly one node, and paired spans share their key and their parents' node", () => {
    fc.assert(
      fc.property(traceArb, traceArb, (A, B) => {
        const al = alignTraces(A, B);
        const seenA = new Array<number>(A.size).fill(0);
        const seenB = new Array<number>(B.size).fill(0);
        for (let n = 0; n < al.size; n++) {
          const ia = al.a[n]!;
          const ib = al.b[n]!;
          expect(ia >= 0 || ib >= 0).toBe(true);
          if (ia >= 0) seenA[ia]!++;
          if (ib >= 0) seenB[ib]!++;
          const p = al.parent[n]!;
          if (ia >= 0) expect(p < 0 ? A.parent[ia] : al.a[p]).toBe(p < 0 ? -1 : A.parent[ia]);
          if (ib >= 0) expect(p < 0 ? B.parent[ib] : al.b[p]).toBe(p < 0 ? -1 : B.parent[ib]);
          if (ia >= 0 && ib >= 0) expect(A.names[A.name[ia]!]).toBe(B.names[B.name[ib]!]);
        }
        expect(seenA.every((c) => c === 1)).toBe(true);
        expect(seenB.every((c) => c === 1)).toBe(true);
        // The rows walk reaches every node, and collapsing all leaves the roots.
        expect(visibleRows(al, new Set()).count).toBe(al.size);
        expect(visibleRows(al, collapseAll(al)).count).toBe(al.roots.length);
      }),
    );
  });

  it("a trace aligned with itself pairs every span with itself, with no difference", () => {
    fc.assert(
      fc.property(traceArb, (A) => {
        const al = alignTraces(A, A);
        expect(al.size).toBe(A.size);
        for (let n = 0; n < al.size; n++) {
          expect(al.b[n]).toBe(al.a[n]);
          expect(diffOf(al, A, A, n)).toMatchObject({ change: "similar", delta: 0 });
        }
      }),
    );
  });

  it("swapping the traces pairs the same spans", () => {
    fc.assert(
      fc.property(traceArb, traceArb, (A, B) => {
        const pairs = (al: Alignment, flip: boolean) =>
          Array.from({ length: al.size }, (_, n) => (flip ? [al.b[n], al.a[n]] : [al.a[n], al.b[n]]))
            .filter(([x, y]) => x! >= 0 && y! >= 0)
            .map(([x, y]) => `${x}:${y}`)
            .sort();
        expect(pairs(alignTraces(B, A), true)).toEqual(pairs(alignTraces(A, B), false));
      }),
    );
  });

  it("the biggest difference is a node whose difference no child carries half of", () => {
    fc.assert(
      fc.property(traceArb, traceArb, (A, B) => {
        const al = alignTraces(A, B);
        const w = weightsOf(al, A, B);
        const n = biggestDifference(al, w);
        expect(n < 0).toBe(al.size === 0);
        if (n >= 0) for (let c = al.childOffset[n]!; c < al.childOffset[n + 1]!; c++) if (w[n]! > 0) expect(w[al.childList[c]!]!).toBeLessThan(w[n]! / 2);
      }),
    );
  });
});

describe("alignTraces at size", () => {
  it("aligns two identical 10,000-span traces span for span (its time is bench/compare.ts's)", () => {
    const build = (size: number) => {
      const b = new TraceModelBuilder();
      b.add(widePage(size));
      return b.build();
    };
    const A = build(10_000);
    const B = build(10_000);
    const al = alignTraces(A, B);
    weightsOf(al, A, B);
    expect(al.size).toBe(10_000);
  });
});
