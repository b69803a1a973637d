import { describe, expect, it } from "vitest";
import { compareHref, parseCompare, TYPICAL } from "./compare-params";
import { formatDelta } from "./format";

const A = "4bf92f3577b34da6a3ce929d0e0e4736";
const B = "00f067aa0ba902b7a3ce929d0e0e4736";

describe("parseCompare", () => {
  it("reads two trace ids (either form, any case) and their tenants", () => {
    expect(parseCompare({ a: A.toUpperCase(), b: "00f067aa-0ba9-02b7-a3ce-929d0e0e4736", aTenant: "acme" })).toEqual({
      request: { a: A, b: B, aTenant: "acme", bTenant: undefined },
      problems: [],
      dropped: [],
    });
    expect(parseCompare({ a: TYPICAL, b: B }).request).toMatchObject({ a: TYPICAL, b: B });
  });

  it("lists a missing or bad trace and asks for nothing", () => {
    expect(parseCompare({})).toMatchObject({ request: null, problems: ["a: missing: the first trace's id", "b: missing: the second trace's id"] });
    const bad = parseCompare({ a: A, b: "nope" });
    expect(bad.request).toBeNull();
    expect(bad.problems).toEqual(["b: not a trace id (32 hex digits)"]);
    expect(bad.dropped).toEqual(["b"]);
    expect(parseCompare({ a: "0".repeat(32), b: B }).problems).toEqual([`a: not a trace id (32 hex digits) nor "typical"`]);
    // "typical" is for the baseline only.
    expect(parseCompare({ a: A, b: TYPICAL }).request).toBeNull();
  });

  it("drops a bad tenant and still compares", () => {
    const parsed = parseCompare({ a: A, b: B, bTenant: "../x" });
    expect(parsed.request).toEqual({ a: A, b: B, aTenant: undefined, bTenant: undefined });
    expect(parsed.dropped).toEqual(["bTenant"]);
    expect(parsed.problems).toHaveLength(1);
  });
});

describe("compareHref", () => {
  it("addresses both traces with their tenants, in the hex form, or a typical A", () => {
    expect(compareHref({ traceId: "4bf92f35-77b3-4da6-a3ce-929d0e0e4736", tenantId: "acme" }, { traceId: B, tenantId: "beta" })).toBe(
      `/traces/compare?a=${A}&aTenant=acme&b=${B}&bTenant=beta`,
    );
    expect(compareHref(TYPICAL, { traceId: A, tenantId: "acme" })).toBe(`/traces/compare?a=typical&b=${A}&bTenant=acme`);
  });
});

describe("formatDelta", () => {
  it("signs the absolute and relative difference", () => {
    expect(formatDelta({ delta: 12_300_000, relative: 0.45 })).toBe("+12.3ms (+45%)");
    expect(formatDelta({ delta: -2_000_000, relative: -0.1 })).toBe("−2.00ms (−10%)");
    expect(formatDelta({ delta: 5_000, relative: null })).toBe("+5.00µs");
    expect(formatDelta({ delta: null, relative: null })).toBe("—");
  });
});
