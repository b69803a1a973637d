import { describe, expect, it } from "vitest";
import { isDueForReview, quarterOf, reviewPeriod } from "./review-period";

const now = new Date("2026-05-20T10:00:00Z");

describe("review periods", () => {
  it("a quarter runs from its first day to the next quarter's, in UTC", () => {
    expect(quarterOf(now)).toEqual({ label: "2026-Q2", from: new Date("2026-04-01T00:00:00Z"), to: new Date("2026-07-01T00:00:00Z") });
    expect(quarterOf(new Date("2026-12-31T23:59:59Z")).label).toBe("2026-Q4");
  });

  it("the previous quarter crosses a year boundary", () => {
    expect(reviewPeriod("previous-quarter", new Date("2026-02-01T00:00:00Z"), now)).toEqual({
      label: "2025-Q4",
      from: new Date("2025-10-01T00:00:00Z"),
      to: new Date("2026-01-01T00:00:00Z"),
    });
  });

  it("since the last review runs from it to now", () => {
    const since = new Date("2026-03-03T08:00:00Z");
    expect(reviewPeriod("since-last", now, since)).toEqual({ label: "since 2026-03-03", from: since, to: now });
    expect(reviewPeriod("since-last", now, now).from.getTime()).toBeLessThan(now.getTime());
  });

  it("a user is due until reviewed within the current quarter", () => {
    expect(isDueForReview(null, now)).toBe(true);
    expect(isDueForReview(new Date("2026-03-31T23:59:59Z"), now)).toBe(true);
    expect(isDueForReview(new Date("2026-04-01T00:00:00Z"), now)).toBe(false);
  });
});
