import { describe, expect, it } from "vitest";
import { buildLineage, type LineageSpan } from "./lineage-tree";

let clock = 0;
function span(id: string, parentId: string | null, extra: Partial<LineageSpan> = {}): LineageSpan {
  return {
    id, parentId, service: "svc", name: id, kind: 1, start: new Date(++clock * 1000), durationNs: 1000n, failed: false,
    jobId: null, jobName: null, jobQueue: null, jobAttempt: null, jobOutcome: null, eventId: null, eventName: null, ...extra,
  };
}

describe("buildLineage", () => {
  it("hangs jobs and events under what triggered them: request → event → job, with outcomes", () => {
    const spans = [
      span("root", null, { kind: 2, name: "PUT /subscription" }),
      span("api", "root"),
      span("enqueue-sync", "api", { kind: 4, jobId: "job_sync", jobName: "sync", jobQueue: "billing" }),
      span("sync-1", "enqueue-sync", { kind: 5, jobId: "job_sync", jobAttempt: 1, failed: true, jobOutcome: "retry_scheduled" }),
      span("sync-2", "enqueue-sync", { kind: 5, jobId: "job_sync", jobAttempt: 2 }),
      span("publish", "api", { kind: 4, eventId: "evt_1", eventName: "subscription.changed" }),
      span("handler", "publish", { kind: 5, eventId: "evt_1", service: "notify" }),
      span("enqueue-mail", "handler", { kind: 4, jobId: "job_mail", jobName: "send-receipt" }),
      span("mail-1", "enqueue-mail", { kind: 5, jobId: "job_mail", jobAttempt: 1, failed: true, jobOutcome: "dead_lettered" }),
    ];
    const nodes = buildLineage(spans, "req_1");
    expect(nodes.map((n) => [n.kind, n.id, n.depth, n.outcome, n.attempts])).toEqual([
      ["request", "req_1", 0, "succeeded", 0],
      ["job", "job_sync", 1, "succeeded", 2],
      ["event", "evt_1", 1, "succeeded", 0],
      ["job", "job_mail", 2, "failed", 1],
    ]);
    expect(nodes[1]).toMatchObject({ spanId: "enqueue-sync", queue: "billing", parent: "request:req_1" });
    expect(nodes[2]!.handlers).toEqual([{ service: "notify", spanId: "handler", failed: false }]);
    expect(nodes[3]!.parent).toBe("event:evt_1");
  });

  it("survives a parent cycle and a trace without a root", () => {
    const nodes = buildLineage([span("a", "b", { jobId: "job_a", jobAttempt: 1 }), span("b", "a")], null);
    expect(nodes.map((n) => [n.kind, n.id, n.depth, n.parent])).toEqual([["job", "job_a", 0, null]]);
    expect(buildLineage([], null)).toEqual([]);
  });
});
