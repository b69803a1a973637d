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
    expect(parseCompare({ a: A, b: TYPICAL }).request).toMatchObject({ a: A, b: TYPICAL });
  });

  it("lists a missing or bad trace and asks for nothing", () => {
    expect(parseCompare({})).toMatchObject({ request: null, problems: ["a: missing: the first trace's id", "b: missing: the second trace's id"] });
    const bad = parseCompare({ a: "nope", b: B });
    expect(bad.request).toBeNull();
    expect(bad.problems).toEqual(["a: not a trace id (32 hex digits)"]);
    expect(bad.dropped).toEqual(["a"]);
    expect(parseCompare({ a: A, b: "0".repeat(32) }).problems).toEqual([`b: not a trace id (32 hex digits) nor "typical"`]);
  });

  it("drops a bad tenant and still compares", () => {
    const parsed = parseCompare({ a: A, b: B, bTenant: "../x" });
    expect(parsed.request).toEqual({ a: A, b: B, aTenant: undefined, bTenant: undefined });
    expect(parsed.dropped).toEqual(["bTenant"]);
    expect(parsed.problems).toHaveLength(1);
  });
});

describe("compareHref", () => {
  it("addresses both traces with their tenants, in the hex form, or a typical B", () => {
    expect(compareHref({ traceId: "4bf92f35-77b3-4da6-a3ce-929d0e0e4736", tenantId: "acme" }, { traceId: B, tenantId: "beta" })).toBe(
      `/traces/compare?a=${A}&aTenant=acme&b=${B}&bTenant=beta`,
    );
    expect(compareHref({ traceId: A, tenantId: "acme" }, TYPICAL)).toBe(`/traces/compare?a=${A}&aTenant=acme&b=typical`);
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
