import { describe, expect, it } from "vitest";
import { durationParam, traceSearchHref } from "./links";

describe("links to the trace search", () => {
  it("carry the window, the duration band and the view's filters", () => {
    const href = traceSearchHref({
      from: new Date("2026-01-02T03:00:00Z"),
      to: new Date("2026-01-02T03:15:00Z"),
      minNs: 250_000_000,
      maxNs: 1_500_000_000,
      tenants: ["acme", "globex"],
      service: "api",
      operation: "GET /projects",
      status: "error",
    });
    const url = new URL(href, "http://x");
    expect(url.pathname).toBe("/traces");
    expect(url.searchParams.get("from")).toBe("2026-01-02T03:00:00.000Z");
    expect(url.searchParams.get("to")).toBe("2026-01-02T03:15:00.000Z");
    expect(url.searchParams.get("minDuration")).toBe("250ms");
    expect(url.searchParams.get("maxDuration")).toBe("1.5s");
    expect(url.searchParams.getAll("tenant")).toEqual(["acme", "globex"]);
    expect(url.searchParams.get("operation")).toBe("GET /projects");
    expect(url.searchParams.get("status")).toBe("error");
  });

  it("write durations as the search reads them", () => {
    expect(durationParam(12_345_678)).toBe("12.346ms");
    expect(durationParam(999_000)).toBe("0.999ms");
    expect(durationParam(61_000_000_000)).toBe("61s");
  });
});
