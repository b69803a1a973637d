import { describe, expect, it } from "vitest";
import { absoluteRangeParams } from "./share-url";

const now = new Date("2026-12-05T10:30:00.000Z");

describe("absoluteRangeParams", () => {
  it("turns a relative range into the absolute window it covers now, keeping every other filter", () => {
    const out = absoluteRangeParams(new URLSearchParams("service=web&range=7d&tenant=a&tenant=b&attr=k+%3D+v"), now);
    expect(out.get("range")).toBeNull();
    expect(out.get("from")).toBe("2026-11-28T10:30:00.000Z");
    expect(out.get("to")).toBe("2026-12-05T10:30:00.000Z");
    expect(out.get("service")).toBe("web");
    expect(out.getAll("tenant")).toEqual(["a", "b"]);
    expect(out.get("attr")).toBe("k = v");
  });

  it("pins the page's default window when none is given", () => {
    const out = absoluteRangeParams(new URLSearchParams("status=error"), now);
    expect([out.get("from"), out.get("to")]).toEqual(["2026-12-04T10:30:00.000Z", "2026-12-05T10:30:00.000Z"]);
  });

  it("keeps an absolute window as it is, and leaves an invalid range for the page to report", () => {
    const absolute = "from=2026-01-01T00%3A00%3A00.000Z&to=2026-01-02T00%3A00%3A00.000Z";
    expect(absoluteRangeParams(new URLSearchParams(absolute), now).toString()).toBe(absolute);
    expect(absoluteRangeParams(new URLSearchParams("range=9y"), now).toString()).toBe("range=9y");
  });
});
