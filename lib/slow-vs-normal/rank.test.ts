import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { facetValueText, FACET_KINDS, rankAttributes, type FacetCount } from "./rank";

const count = fc.record({
  kind: fc.constantFrom(...FACET_KINDS),
  key: fc.constantFrom("region", "http.route", "tenant", "k"),
  value: fc.constantFrom('"a"', '"b"', "1", "true", '"c"'),
  selection: fc.nat(50),
  baseline: fc.nat(50),
});
// One count per (kind, key, value), as the database groups them.
const counts = fc.uniqueArray(count, { selector: (c) => `${c.kind}|${c.key}|${c.value}`, maxLength: 40 });
const sizes = fc.record({ selection: fc.integer({ min: 50, max: 200 }), baseline: fc.integer({ min: 50, max: 200 }) });

describe("rankAttributes", () => {
  it("scores every attribute by its largest share difference, best first, whatever the input order", () => {
    fc.assert(
      fc.property(counts, sizes, fc.integer(), (cs, sz, seed) => {
        const ranked = rankAttributes(cs, sz, { attributes: 100, values: 100 });
        for (const a of ranked) {
          expect(a.score).toBeGreaterThanOrEqual(0);
          expect(a.score).toBeLessThanOrEqual(1);
          expect(a.score).toBe(Math.max(...a.values.map((v) => Math.abs(v.difference))));
          for (const v of a.values) expect(v.difference).toBeCloseTo(v.selection / sz.selection - v.baseline / sz.baseline, 12);
        }
        for (let i = 1; i < ranked.length; i++) expect(ranked[i - 1]!.score).toBeGreaterThanOrEqual(ranked[i]!.score);
        const shuffled = [...cs].sort((a, b) => ((a.selection * 31 + a.baseline + seed) % 7) - ((b.selection * 31 + b.baseline + seed) % 7));
        expect(rankAttributes(shuffled, sz, { attributes: 100, values: 100 })).toEqual(ranked);
      }),
    );
  });

  it("puts first an attribute planted to differ, and scores 0 one spread alike on both sides", () => {
    fc.assert(
      fc.property(counts, fc.integer({ min: 1, max: 100 }), (noise, n) => {
        // The noise's shares stay below 0.5 apart: n = 100 on each side, at most 50 either way.
        const planted: FacetCount[] = [
          { kind: "attribute", key: "planted", value: '"slow"', selection: 100, baseline: 0 },
          { kind: "attribute", key: "alike", value: '"x"', selection: n, baseline: n },
        ];
        const ranked = rankAttributes([...noise, ...planted], { selection: 100, baseline: 100 });
        expect(ranked[0]).toMatchObject({ key: "planted", score: 1 });
        expect(ranked.find((a) => a.key === "alike")?.score ?? 0).toBe(0);
      }),
    );
  });

  it("keeps the limits, and ranks nothing when a side is empty", () => {
    const many: FacetCount[] = Array.from({ length: 40 }, (_, i) => ({ kind: "attribute", key: `k${i}`, value: String(i), selection: i, baseline: 0 }));
    many.push(...Array.from({ length: 9 }, (_, i): FacetCount => ({ kind: "attribute", key: "k39", value: `"v${i}"`, selection: 1, baseline: i })));
    const ranked = rankAttributes(many, { selection: 40, baseline: 10 }, { attributes: 3, values: 4 });
    expect(ranked.map((a) => a.key)).toEqual(["k39", "k38", "k37"]);
    expect(ranked[0]!.values).toHaveLength(4);
    expect(rankAttributes(many, { selection: 0, baseline: 10 })).toEqual([]);
    expect(rankAttributes(many, { selection: 10, baseline: 0 })).toEqual([]);
  });
});

describe("facetValueText", () => {
  it("unquotes a JSON string and keeps numbers and booleans as written", () => {
    expect(facetValueText('"GET /x"')).toBe("GET /x");
    expect(facetValueText('"say \\"hi\\""')).toBe('say "hi"');
    expect(facetValueText("9007199254740993")).toBe("9007199254740993");
    expect(facetValueText("true")).toBe("true");
  });
});
