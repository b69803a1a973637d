import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { searchableNumber, storedBytes, storedDouble, storedInt, storedKvlist, typedValue, type StoredValue } from "./stored-value";

/** What jsonb gives back: the stored value through JSON text. */
const viaJson = (v: StoredValue) => JSON.parse(JSON.stringify(v)) as unknown;

describe("stored attribute values", () => {
  it("keep the OTLP type and exact value of every kind, through JSON", () => {
    expect(typedValue(viaJson(storedInt(9_007_199_254_740_993n)))).toEqual({ type: "int", value: 9_007_199_254_740_993n });
    expect(typedValue(viaJson(storedInt(-(1n << 63n))))).toEqual({ type: "int", value: -(1n << 63n) });
    expect(typedValue(viaJson(storedInt(42n)))).toEqual({ type: "int", value: 42n });
    expect(viaJson(storedInt(42n))).toBe(42);
    for (const d of [3, 0, -0, NaN, Infinity, -Infinity, 1e300, 2.5, -1e-300]) {
      const back = typedValue(viaJson(storedDouble(d)));
      expect(back.type).toBe("double");
      expect(Object.is((back as { value: number }).value, d)).toBe(true);
    }
    expect(viaJson(storedDouble(2.5))).toBe(2.5);
    expect(typedValue(viaJson(storedBytes(Buffer.from([0, 1, 255]))))).toEqual({ type: "bytes", base64: "AAH/" });
  });

  it("a kvlist shaped like a tag is escaped, and reads back as the kvlist it was", () => {
    for (const tag of ["$int", "$double", "$bytes", "$kvlist"]) {
      const kv = { [tag]: "9" };
      expect(typedValue(viaJson(storedKvlist(kv)))).toEqual({ type: "kvlist", entries: [[tag, { type: "string", value: "9" }]] });
    }
    // Two keys cannot be a tag: stored as they are.
    expect(storedKvlist({ $int: "1", other: 2 })).toEqual({ $int: "1", other: 2 });
  });

  it("any int64 and any double survives storage exactly (property)", () => {
    fc.assert(fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (n) => {
      expect(typedValue(viaJson(storedInt(n)))).toEqual({ type: "int", value: n });
    }));
    fc.assert(fc.property(fc.double(), (d) => {
      const back = typedValue(viaJson(storedDouble(d)));
      expect(back.type === "double" && Object.is(back.value, d)).toBe(true);
    }));
  });

  it("numbers searchable in the summary: every int and finite double, exactly", () => {
    expect(searchableNumber(viaJson(storedInt(9_007_199_254_740_993n)))).toBe(9_007_199_254_740_993n);
    expect(searchableNumber(viaJson(storedDouble(3)))).toBe(3);
    expect(searchableNumber(2.5)).toBe(2.5);
    expect(searchableNumber(viaJson(storedDouble(NaN)))).toBeUndefined();
    expect(searchableNumber("5")).toBeUndefined();
    expect(searchableNumber(viaJson(storedKvlist({ $int: "5" })))).toBeUndefined();
  });
});
