import { describe, expect, it } from "vitest";
import { displayValue, truncatedFrom } from "./display";
import { storedDouble, storedInt, typedValue } from "./stored-value";

describe("attribute values as the span detail shows them", () => {
  it("keep exact digits, a whole double's point, non-finite doubles, bytes and nesting", () => {
    const show = (v: unknown) => displayValue(typedValue(JSON.parse(JSON.stringify(v))));
    expect(show(storedInt(9_007_199_254_740_993n))).toBe("9007199254740993");
    expect(show(storedDouble(3))).toBe("3.0");
    expect(show(storedDouble(-0))).toBe("-0.0");
    expect(show(storedDouble(NaN))).toBe("NaN");
    expect(show(storedDouble(-Infinity))).toBe("-Infinity");
    expect(show(2.5)).toBe("2.5");
    expect(show(3)).toBe("3");
    expect(show({ $bytes: "aGk=" })).toBe("base64:aGk=");
    expect(show(["a", storedInt(1n << 60n), { k: true }])).toBe('["a", 1152921504606846976, {"k": true}]');
    expect(show("line 1\nline 2")).toBe("line 1\nline 2");
  });

  it("tell a value ingest cut, with its original length", () => {
    expect(truncatedFrom(typedValue("abc…[truncated from 10000 characters]"))).toBe(10000);
    expect(truncatedFrom(typedValue("abc"))).toBeUndefined();
  });
});
