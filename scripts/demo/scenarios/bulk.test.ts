import { describe, expect, it } from "vitest";
import { Random } from "../random";
import { TraceBuilder, type TenantProfile } from "../trace-builder";
import { bigTraceSize, bulkImport, MAX_TRACE_SPANS, reindexJob } from "./bulk";
import { cronTrace } from "./scheduled";
import { webRequest } from "./web";

const TENANT: TenantProfile = { id: "acme", slowThresholdMs: 1500, errorFactor: 1, latencyFactor: 1 };

function checkTree(t: TraceBuilder) {
  const ids = new Set(t.spans.map((s) => s.id));
  expect(ids.size).toBe(t.spans.length);
  expect(t.spans.filter((s) => s.parent === null)).toHaveLength(1);
  for (const span of t.spans) {
    if (span.parent) {
      expect(ids.has(span.parent.id)).toBe(true);
      expect(span.start).toBeGreaterThanOrEqual(span.parent.start);
    }
  }
}

describe("big traces", () => {
  it("fans a bulk import out to nearly the 20,000-span cap and never past it", () => {
    const t = new TraceBuilder(new Random(7), TENANT, "req_0123456789abcdef");
    webRequest(t, { method: "POST", route: "/api/imports", auth: "session", priority: "normal" }, bulkImport(MAX_TRACE_SPANS));
    // A rate-limited request never reaches the import; this seed gets through.
    expect(t.spans.length).toBeGreaterThan(MAX_TRACE_SPANS - 100);
    expect(t.spans.length).toBeLessThanOrEqual(MAX_TRACE_SPANS);
    checkTree(t);
    const worker = t.spans.find((s) => s.name === "process bulk-import")!;
    expect(worker.attributes["import.chunks"]).toBeGreaterThan(4000);
  });

  it("stays within the cap for a scheduled reindex of any size", () => {
    const rng = new Random(11);
    for (let i = 0; i < 20; i++) {
      const t = new TraceBuilder(rng, TENANT, null);
      const target = bigTraceSize(t);
      expect(target).toBeGreaterThanOrEqual(200);
      expect(target).toBeLessThanOrEqual(MAX_TRACE_SPANS);
      cronTrace(t, reindexJob(target));
      expect(t.spans.length).toBeLessThanOrEqual(target);
      expect(t.spans.length).toBeGreaterThan(target - 50);
      checkTree(t);
    }
  });
});
