import { describe, expect, it } from "vitest";
import { criticalPath, selfTimes, type TimedSpan } from "./critical-path";

const span = (id: string, parentId: string | null, service: string, start: number, end: number): TimedSpan => ({ id, parentId, service, start, end });

describe("critical path", () => {
  // gateway 0–100 calls api 10–90; api calls db 20–40 and, in parallel, cache 20–30 and then
  // billing 45–85; a job enqueued at 80 runs 95–300, after the gateway answered.
  const trace = [
    span("gw", null, "gateway", 0, 100),
    span("api", "gw", "api", 10, 90),
    span("db", "api", "postgres", 20, 40),
    span("cache", "api", "redis", 20, 30),
    span("bill", "api", "billing", 45, 85),
    span("job", "api", "worker", 95, 300),
  ];

  it("follows the last-finishing child and leaves the parallel, shorter one off the path", () => {
    const path = criticalPath(trace);
    expect(path.segments).toEqual([
      { id: "gw", start: 0, end: 10 },
      { id: "api", start: 10, end: 20 },
      { id: "db", start: 20, end: 40 },
      { id: "api", start: 40, end: 45 },
      { id: "bill", start: 45, end: 85 },
      { id: "api", start: 85, end: 90 },
      { id: "gw", start: 90, end: 100 },
    ]);
    expect(path.spanIds.has("cache")).toBe(false);
    expect(path.spanIds.has("job")).toBe(false);
  });

  it("adds up to the root's duration and names the service that dominated", () => {
    const path = criticalPath(trace);
    expect(path.byService).toEqual([
      { service: "billing", time: 40 },
      { service: "api", time: 20 },
      { service: "gateway", time: 20 },
      { service: "postgres", time: 20 },
    ]);
    expect(path.byService.reduce((sum, s) => sum + s.time, 0)).toBe(100);
  });

  it("clips a child that outlives its parent", () => {
    const path = criticalPath([span("a", null, "a", 0, 50), span("b", "a", "b", 30, 80)]);
    expect(path.segments).toEqual([
      { id: "a", start: 0, end: 30 },
      { id: "b", start: 30, end: 50 },
    ]);
  });

  it("takes the root that ends last when parents are missing, and survives a deep chain", () => {
    const deep: TimedSpan[] = [span("0", null, "s", 0, 200_000)];
    for (let i = 1; i < 100_000; i++) deep.push(span(String(i), String(i - 1), "s", i, 200_000 - i));
    expect(criticalPath(deep).segments).toHaveLength(199_999);
    const orphans = criticalPath([span("x", "missing", "x", 0, 10), span("y", "gone", "y", 5, 30)]);
    expect(orphans.segments).toEqual([{ id: "y", start: 5, end: 30 }]);
    expect(criticalPath([]).segments).toEqual([]);
  });
});

describe("self time", () => {
  it("subtracts the union of children, not their sum", () => {
    const self = selfTimes([
      span("p", null, "p", 0, 100),
      span("c1", "p", "c", 10, 50),
      span("c2", "p", "c", 30, 60),
      span("c3", "p", "c", 90, 120),
    ]);
    expect(self.get("p")).toBe(100 - 50 - 10);
    expect(self.get("c1")).toBe(40);
    expect(self.get("c3")).toBe(30);
  });
});
