import { describe, expect, it } from "vitest";
import { analyseTrace, requestLatency, selfTimeOf } from "./trace-analysis";
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

  it("follows a job past the request and a link between spans of the trace, with queue waits per consumer", () => {
    // The request (0–10 µs) enqueues at 2–4; the job runs 20–80; a handler with no parent in
    // the trace links to the job and runs 90–300 on "mail".
    const b = new TraceModelBuilder();
    b.add(
      pageOf([
        { id: "1", start: 0, duration: 10, service: "web" },
        { id: "2", parent: "1", start: 2, duration: 2, service: "web", kind: 4 },
        { id: "3", parent: "2", start: 20, duration: 60, service: "worker", kind: 5 },
        { id: "4", parent: "ffff", start: 90, duration: 210, service: "mail", kind: 5, links: ["3", "abcdef"] },
      ]),
    );
    const m = b.build();
    const at = (id: string) => m.indexOf.get(id.padStart(16, "0"))!;
    expect(m.links).toEqual(new Map([[at("4"), [at("3")]]]));
    const analysis = analyseTrace(m);
    expect(analysis.segments.get(at("3"))).toEqual([20_000, 80_000]);
    expect(analysis.segments.get(at("4"))).toEqual([90_000, 300_000]);
    expect(analysis.waits).toEqual(new Map([[at("3"), [4_000, 20_000]], [at("4"), [80_000, 90_000]]]));
    expect(analysis.queueWait).toBe(26_000);
    expect(analysis.byService.map((s) => s.service)).toEqual(["mail", "worker", "web"]);
    expect(requestLatency(m, "1".padStart(16, "0"))).toBe(10_000);
    expect(requestLatency(m, null)).toBeNull();
  });

  it("gives a span's self time from its own children", () => {
    const m = model();
    expect(selfTimeOf(m, m.indexOf.get("1".padStart(16, "0"))!)).toBe(20_000);
    expect(selfTimeOf(m, m.indexOf.get("3".padStart(16, "0"))!)).toBe(60_000);
  });
});
