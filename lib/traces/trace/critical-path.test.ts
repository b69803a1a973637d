import { describe, expect, it } from "vitest";
import { criticalPath, selfTimes, type CriticalPath, type TimedSpan } from "./critical-path";

const span = (id: string, parentId: string | null, service: string, start: number, end: number, links?: string[]): TimedSpan => ({
  id,
  parentId,
  service,
  start,
  end,
  ...(links ? { links } : {}),
});

/** The path covers the trace end to end: segments meet, from the first start to the last end. */
function expectEndToEnd(path: CriticalPath, spans: TimedSpan[]) {
  const first = Math.min(...spans.map((s) => s.start));
  const last = Math.max(...spans.map((s) => s.end));
  expect(path.segments[0]!.start).toBe(first);
  expect(path.segments.at(-1)!.end).toBe(last);
  for (let i = 1; i < path.segments.length; i++) expect(path.segments[i]!.start).toBe(path.segments[i - 1]!.end);
  const total = path.byService.reduce((sum, s) => sum + s.time, 0) + path.queueWait;
  expect(total).toBe(last - first);
}

describe("critical path of a synchronous request", () => {
  // gateway 0–100 calls api 10–90; api calls db 20–40 and, in parallel, cache 20–30 and then
  // billing 45–85.
  const trace = [
    span("gw", null, "gateway", 0, 100),
    span("api", "gw", "api", 10, 90),
    span("db", "api", "postgres", 20, 40),
    span("cache", "api", "redis", 20, 30),
    span("bill", "api", "billing", 45, 85),
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
    expect(path.queueWait).toBe(0);
  });

  it("adds up to the root's duration and names the service that dominated", () => {
    const path = criticalPath(trace);
    expect(path.byService).toEqual([
      { service: "billing", time: 40 },
      { service: "api", time: 20 },
      { service: "gateway", time: 20 },
      { service: "postgres", time: 20 },
    ]);
    expectEndToEnd(path, trace);
  });

  it("takes the root that ends last when parents are missing, and survives a deep chain", { timeout: 60_000 }, () => {
    const deep: TimedSpan[] = [span("0", null, "s", 0, 200_000)];
    for (let i = 1; i < 100_000; i++) deep.push(span(String(i), String(i - 1), "s", i, 200_000 - i));
    expect(criticalPath(deep).segments).toHaveLength(199_999);
    const orphans = criticalPath([span("x", "missing", "x", 0, 10), span("y", "gone", "y", 5, 30)]);
    expect(orphans.segments).toEqual([{ id: "y", start: 5, end: 30 }]);
    expect(criticalPath([]).segments).toEqual([]);
  });
});

describe("critical path of asynchronous work", () => {
  it("follows a child that outlives its parent to the end of the trace", () => {
    const spans = [span("a", null, "a", 0, 50), span("b", "a", "b", 30, 80)];
    const path = criticalPath(spans);
    expect(path.segments).toEqual([
      { id: "a", start: 0, end: 30 },
      { id: "b", start: 30, end: 80 },
    ]);
    expectEndToEnd(path, spans);
  });

  // The request answers at 10; the job it enqueued waits in the queue from 7 to 20 and runs to
  // 100, most of it in one query.
  const job = [
    span("req", null, "web", 0, 10),
    span("enqueue", "req", "web", 5, 7),
    span("job", "enqueue", "job-worker", 20, 100),
    span("query", "job", "postgres", 30, 90),
    span("after", "req", "web", 8, 9),
  ];

  it("puts a job after a fast request on the path, its queue wait a segment of its own", () => {
    const path = criticalPath(job);
    expect(path.segments).toEqual([
      { id: "req", start: 0, end: 5 },
      { id: "enqueue", start: 5, end: 7 },
      { id: "job", start: 7, end: 20, wait: true },
      { id: "job", start: 20, end: 30 },
      { id: "query", start: 30, end: 90 },
      { id: "job", start: 90, end: 100 },
    ]);
    expect(path.queueWait).toBe(13);
    expect(path.spanIds.has("after")).toBe(false);
    expectEndToEnd(path, job);
  });

  it("ranks the job's services above the request's", () => {
    expect(criticalPath(job).byService).toEqual([
      { service: "postgres", time: 60 },
      { service: "job-worker", time: 20 },
      { service: "web", time: 7 },
    ]);
  });

  it("gives the request's own path when asked to lead to the root's end", () => {
    const path = criticalPath(job, "req");
    expect(path.segments).toEqual([
      { id: "req", start: 0, end: 5 },
      { id: "enqueue", start: 5, end: 7 },
      { id: "req", start: 7, end: 8 },
      { id: "after", start: 8, end: 9 },
      { id: "req", start: 9, end: 10 },
    ]);
    expect(path.byService).toEqual([{ service: "web", time: 10 }]);
    expect(criticalPath(job, "no such span").segments).toEqual([]);
  });

  it("follows a link to a span of the same trace, and a retry back to the attempt before it", () => {
    // A handler with no parent in the trace links to the request that published its event.
    const linked = [span("req", null, "web", 0, 10), span("handler", null, "mailer", 15, 40, ["req", "elsewhere"])];
    const path = criticalPath(linked);
    expect(path.segments).toEqual([
      { id: "req", start: 0, end: 10 },
      { id: "handler", start: 10, end: 15, wait: true },
      { id: "handler", start: 15, end: 40 },
    ]);
    expectEndToEnd(path, linked);

    // Attempt 2 links to attempt 1: its backoff, not the time since the enqueue, is its wait.
    const retry = [
      span("req", null, "web", 0, 3),
      span("enqueue", "req", "web", 1, 2),
      span("try1", "enqueue", "job-worker", 5, 10),
      span("try2", "enqueue", "job-worker", 20, 30, ["try1"]),
    ];
    const retried = criticalPath(retry);
    expect(retried.segments).toEqual([
      { id: "req", start: 0, end: 1 },
      { id: "enqueue", start: 1, end: 2 },
      { id: "try1", start: 2, end: 5, wait: true },
      { id: "try1", start: 5, end: 10 },
      { id: "try2", start: 10, end: 20, wait: true },
      { id: "try2", start: 20, end: 30 },
    ]);
    expectEndToEnd(retried, retry);
  });

  it("follows nested hand-offs: request → job → event → handler", () => {
    const nested = [
      span("req", null, "web", 0, 10),
      span("enqueue", "req", "web", 2, 4),
      span("job", "enqueue", "job-worker", 6, 50),
      span("publish", "job", "relay", 40, 45),
      span("handler", "publish", "notifications", 60, 200),
      span("redis", "handler", "redis", 70, 80),
      span("other-handler", "publish", "search", 50, 55),
    ];
    const path = criticalPath(nested);
    expect(path.segments).toEqual([
      { id: "req", start: 0, end: 2 },
      { id: "enqueue", start: 2, end: 4 },
      { id: "job", start: 4, end: 6, wait: true },
      { id: "job", start: 6, end: 40 },
      { id: "publish", start: 40, end: 45 },
      { id: "handler", start: 45, end: 60, wait: true },
      { id: "handler", start: 60, end: 70 },
      { id: "redis", start: 70, end: 80 },
      { id: "handler", start: 80, end: 200 },
    ]);
    expect(path.byService[0]).toEqual({ service: "notifications", time: 130 });
    expect(path.queueWait).toBe(17);
    expectEndToEnd(path, nested);
  });

  it("continues into a parent that a skewed clock shows starting after its child", () => {
    const skewed = [span("parent", null, "api", 10, 50), span("child", "parent", "db", 5, 60), span("late", "parent", "db", 20, 30)];
    const path = criticalPath(skewed);
    expect(path.segments).toEqual([{ id: "child", start: 5, end: 60 }]);
    expectEndToEnd(path, skewed);
  });

  it("ends on parent and link cycles instead of looping", () => {
    const cycle = criticalPath([span("a", "b", "x", 0, 10), span("b", "a", "y", 0, 10)]);
    expect(cycle.segments.length).toBeGreaterThan(0);
    const links = criticalPath([span("a", null, "x", 0, 10, ["b"]), span("b", null, "y", 12, 20, ["a"])]);
    expect(links.segments.at(-1)).toEqual({ id: "b", start: 12, end: 20 });
  });

  it("walks a 100,000-span trace of async children", { timeout: 60_000 }, () => {
    // A request fans out 10,000 jobs, each with nine children: every job outlives the request.
    const spans: TimedSpan[] = [span("req", null, "web", 0, 1_000)];
    for (let j = 0; j < 10_000; j++) {
      spans.push(span(`job${j}`, "req", "job-worker", 500 + j, 2_000 + j * 3));
      for (let k = 0; k < 9; k++) spans.push(span(`job${j}.${k}`, `job${j}`, "postgres", 600 + j + k * 10, 650 + j + k * 10));
    }
    const path = criticalPath(spans);
    expect(path.segments.at(-1)).toEqual({ id: "job9999", start: expect.any(Number), end: 2_000 + 9_999 * 3 });
    expect(path.byService[0]!.service).toBe("job-worker");
    expectEndToEnd(path, spans);
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
