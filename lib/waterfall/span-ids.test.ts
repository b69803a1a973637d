import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatSpanId, parseSpanId, SpanIndex } from "./span-ids";
import { pageOf } from "./testing";
import { spanIdOf, TraceModelBuilder } from "./trace-model";
import { visibleRows } from "./tree-rows";

const hex16 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((n) => n.toString(16).padStart(16, "0"));

function indexOf(ids: readonly string[]): SpanIndex {
  const words = ids.map((id) => parseSpanId(id)!);
  return new SpanIndex(Uint32Array.from(words, (w) => w[0]), Uint32Array.from(words, (w) => w[1]));
}

describe("span ids as words", () => {
  it("spells back every id, high bits included", () => {
    fc.assert(
      fc.property(hex16, (id) => {
        const [hi, lo] = parseSpanId(id)!;
        expect(formatSpanId(hi, lo)).toBe(id);
      }),
    );
    expect(parseSpanId("ffffffff80000000")).toEqual([0xffffffff, 0x80000000]);
  });

  it("names no span with what the server never writes", () => {
    for (const id of ["", "1", "000000000000000G", "0000000000000000a", "ABCDEF0123456789", " 000000000000001"]) expect(parseSpanId(id)).toBeNull();
  });

  it("finds what a Map filled in order finds, the last span of a repeated id included", () => {
    fc.assert(
      fc.property(
        fc.array(hex16, { minLength: 1, maxLength: 20 }).chain((pool) => fc.tuple(fc.array(fc.constantFrom(...pool), { maxLength: 200 }), fc.array(fc.oneof(fc.constantFrom(...pool), hex16, fc.string()), { maxLength: 20 }))),
        ([ids, probes]) => {
          const map = new Map<string, number>();
          ids.forEach((id, i) => map.set(id, i));
          const index = indexOf(ids);
          for (const id of [...ids, ...probes]) {
            expect(index.get(id)).toBe(map.get(id));
            expect(index.has(id)).toBe(map.has(id));
          }
        },
      ),
    );
  });

  it("keeps ids that differ only in their high word or only in their low word apart", () => {
    const ids = Array.from({ length: 5000 }, (_, i) => (i % 2 ? formatSpanId(i, 7) : formatSpanId(7, i)));
    const index = indexOf(ids);
    ids.forEach((id, i) => expect(index.get(id)).toBe(i));
  });
});

describe("the model's ids", () => {
  it("orders siblings of one start by id as their hex reads, high bits included", () => {
    const b = new TraceModelBuilder();
    b.add(pageOf([{ id: "1", start: 0, duration: 10 }]));
    const children = ["ffffffffffffffff", "8000000000000000", "7fffffffffffffff", "0000000100000000", "00000000ffffffff"];
    b.add(pageOf(children.map((id) => ({ id, parent: "1", start: 1 }))));
    const m = b.build();
    const rows = visibleRows(m, new Set());
    expect(Array.from(rows.span.subarray(1, rows.count), (i) => spanIdOf(m, i))).toEqual([...children].sort());
  });

  it("grows past the expected span count and keeps every span", () => {
    const b = new TraceModelBuilder(2);
    for (let k = 0; k < 10; k++) b.add(pageOf(Array.from({ length: 30 }, (_, j) => ({ id: (k * 30 + j + 1).toString(16), parent: k * 30 + j > 0 ? "1" : undefined, start: k * 30 + j, service: `s${j % 3}` }))));
    const m = b.build();
    expect(m.size).toBe(300);
    expect(m.start.length).toBe(300);
    expect(spanIdOf(m, 299)).toBe((300).toString(16).padStart(16, "0"));
    expect(m.roots.length).toBe(1);
    expect(m.childOffset[1]! - m.childOffset[0]!).toBe(299);
    expect(m.services).toEqual(["s0", "s1", "s2"]);
  });

  it("resolves a repeated id to its last span, as parent and as link target, and orphans to roots", () => {
    const b = new TraceModelBuilder();
    b.add(
      pageOf([
        { id: "a", start: 0, duration: 10 },
        { id: "b", start: 1 },
        { id: "b", start: 2 },
        { id: "c", parent: "b", start: 3, links: ["b", "c", "dead"] },
        { id: "d", parent: "dead", start: 4 },
      ]),
    );
    const m = b.build();
    expect(Array.from(m.parent)).toEqual([-1, -1, -1, 2, -1]);
    expect(m.links.get(3)).toEqual([2]);
    expect(m.indexOf.get(spanIdOf(m, 1))).toBe(2);
    expect(m.indexOf.has("000000000000dead")).toBe(false);
  });

  it("refuses a span id that is not 16 hex digits rather than guess one", () => {
    expect(() => new TraceModelBuilder().add([["root", "", 0, 1, "api", "op", 1, 0, null, null]])).toThrow(/16-hex/);
  });
});
