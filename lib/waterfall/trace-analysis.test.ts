import { describe, expect, it } from "vitest";
import { analyseTrace, selfTimeOf } from "./trace-analysis";
import { TraceModelBuilder } from "./trace-model";
import { pageOf } from "./testing";

// root 0–100 µs on "web"; child a 10–40 on "db"; child b 30–90 on "cache" (overlapping a).
function model() {
  const b = new TraceModelBuilder();
  b.add(
    pageOf([
      { id: "1", start: 0, duration: 100, service: "web" },
      { id: "2", parent: "1", start: 10, duration: 30, service: "db" },
      { id: "3", parent: "1", start: 30, duration: 60, service: "cache" },
    ]),
  );
  return b.build();
}

describe("trace analysis", () => {
  it("puts the spans the root waited for on the critical path, per span index", () => {
    const m = model();
    const { segments, byService } = analyseTrace(m);
    const at = (id: string) => segments.get(m.indexOf.get(id.padStart(16, "0"))!);
    expect(at("1")).toEqual([0, 10_000, 90_000, 100_000]);
    expect(at("2")).toEqual([10_000, 30_000]);
    expect(at("3")).toEqual([30_000, 90_000]);
    expect(byService[0]).toEqual({ service: "cache", time: 60_000 });
    expect(new Map(byService.map((s) => [s.service, s.time]))).toEqual(new Map([["cache", 60_000], ["web", 20_000], ["db", 20_000]]));
  });

  it("gives a span's self time from its own children", () => {
    const m = model();
    expect(selfTimeOf(m, m.indexOf.get("1".padStart(16, "0"))!)).toBe(20_000);
    expect(selfTimeOf(m, m.indexOf.get("3".padStart(16, "0"))!)).toBe(60_000);
  });
});
