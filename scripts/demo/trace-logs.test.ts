import { describe, expect, it } from "vitest";
import { SpanKind, SpanStatus } from "../../db/span-codec/kind-and-status";
import { Random } from "./random";
import { demoResources } from "./resources";
import { buildTrace } from "./scenarios";
import { enqueueJob, insertOutboxEvent, relayOutboxEvent } from "./scenarios/async";
import { buildShowcase, SHOWCASES } from "./scenarios/showcase";
import { webRequest } from "./scenarios/web";
import { DEMO_SEVERITY, demoTraceLogs, type DemoLogRecord } from "./trace-logs";
import { TraceBuilder, type DemoSpan, type Failure, type TenantProfile } from "./trace-builder";
import { TraceRowWriter } from "./trace-rows";

const TENANT: TenantProfile = { id: "acme", slowThresholdMs: 1500, errorFactor: 1, latencyFactor: 1 };
const ORIGIN_US = 1_741_964_400_000_000; // 2025-03-14T15:00:00Z
const RESOURCES = demoResources();
const TIMEOUT: Failure = { type: "TimeoutError", message: "PDF renderer timed out", stacktrace: "TimeoutError: PDF renderer timed out\n    at render (pdf.ts:12)" };

const logsOf = (t: TraceBuilder) => demoTraceLogs(t, ORIGIN_US, RESOURCES);
const onSpan = (logs: DemoLogRecord[], span: DemoSpan) => logs.filter((l) => l.spanId === span.id);
const timeUs = (l: DemoLogRecord) => Number(BigInt(l.timeUnixNano) / 1000n) - ORIGIN_US;
const endOf = (s: DemoSpan) => s.start + s.durationNs / 1000;

/** A request that enqueues a job whose attempts fail as `fails` says, and emits an event whose handler fails. */
function requestWithJobAndEvent(fails: (attempt: number) => boolean, maxAttempts: number): TraceBuilder {
  const t = new TraceBuilder(new Random(7), TENANT, "req_0123456789abcdef");
  webRequest(t, { method: "POST", route: "/api/invoices", auth: "none", priority: "normal" }, (tb, api, at) => {
    const end = enqueueJob(tb, api, at, {
      name: "invoice.render",
      queue: "invoices",
      maxAttempts,
      work: (_t, _span, start, attempt) => ({ end: start + 5_000, ...(fails(attempt) ? { failure: TIMEOUT } : {}) }),
    });
    const event = insertOutboxEvent(tb, api, end + 10, "invoice.created");
    relayOutboxEvent(tb, event, event.insertedAt + 100, [
      { service: "notification-service", work: (_t, _span, start) => ({ end: start + 800, failure: { ...TIMEOUT, message: "SMTP 421 try again later" } }) },
    ]);
    return { end: end + 200, status: 202 };
  });
  return t;
}

describe("demoTraceLogs", () => {
  it("logs each attempt of a retried job, a warning where an attempt fails and the outcome of the last", () => {
    const t = requestWithJobAndEvent((attempt) => attempt === 1, 3);
    const logs = logsOf(t);
    const attempts = t.spans.filter((s) => s.name === "process invoice.render");
    expect(attempts).toHaveLength(2);
    const [first, second] = attempts as [DemoSpan, DemoSpan];

    const firstLogs = onSpan(logs, first);
    expect(firstLogs.map((l) => [l.severityText, l.body])).toEqual([
      ["info", "processing invoice.render (attempt 1 of 3)"],
      ["warn", expect.stringMatching(/^invoice\.render attempt 1 failed: PDF renderer timed out; retrying in \d+ ms$/)],
    ]);
    expect(firstLogs[1]!.attributes).toMatchObject({
      "job.name": "invoice.render",
      "job.attempt": 1,
      "exception.type": "TimeoutError",
      "exception.message": "PDF renderer timed out",
      "tenant.id": "acme",
      "request.id": "req_0123456789abcdef",
    });
    expect(onSpan(logs, second).map((l) => l.body)).toEqual(["processing invoice.render (attempt 2 of 3)", expect.stringMatching(/^invoice\.render completed in \d+ ms$/)]);
  });

  it("logs the last failure of a job at error, saying it went to the dead-letter queue", () => {
    const t = requestWithJobAndEvent(() => true, 2);
    const last = t.spans.filter((s) => s.name === "process invoice.render").at(-1)!;
    expect(last.attributes["job.outcome"]).toBe("dead_lettered");
    const failure = onSpan(logsOf(t), last).at(-1)!;
    expect(failure).toMatchObject({ ...DEMO_SEVERITY.error, body: "invoice.render failed after 2 attempts: PDF renderer timed out; moved to the dead-letter queue" });
  });

  it("logs an event handler's delivery and its failure on the handler's span", () => {
    const t = requestWithJobAndEvent(() => false, 1);
    const handler = t.spans.find((s) => s.kind === SpanKind.Consumer && s.name === "process invoice.created")!;
    expect(onSpan(logsOf(t), handler).map((l) => [l.severityText, l.body, l.attributes["event.name"]])).toEqual([
      ["info", "handling invoice.created", "invoice.created"],
      ["error", "handling invoice.created failed: SMTP 421 try again later", "invoice.created"],
    ]);
  });

  it("ends each request a service answers with a line; the gateway's access line has no span id", () => {
    const t = requestWithJobAndEvent(() => false, 1);
    const logs = logsOf(t);
    const root = t.spans[0]!;
    const access = logs.filter((l) => l.spanId === null);
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ service: "edge-gateway", flags: 0, traceId: t.traceId, ...DEMO_SEVERITY.info });
    expect(access[0]!.body).toMatch(/^POST \/api\/invoices 202 \d+ms$/);
    expect(timeUs(access[0]!)).toBe(Math.round(endOf(root)));
    const api = t.spans.find((s) => s.service === "web-api" && s.kind === SpanKind.Server)!;
    expect(onSpan(logs, api).map((l) => l.body)).toEqual(["request completed with 202"]);
  });

  it("over the traffic mix and the showcase: every line within its trace and span, every failed span logged", () => {
    const rng = new Random(20261205);
    const traces = [...Array.from({ length: 300 }, () => buildTrace(rng, TENANT)), buildShowcase(SHOWCASES[0]!, new Random(1), TENANT)];
    let withoutSpan = 0;
    let errors = 0;
    for (const t of traces) {
      const logs = logsOf(t);
      const spans = new Map(t.spans.map((s) => [s.id, s]));
      for (const l of logs) {
        expect(l).toMatchObject({ tenantId: "acme", traceId: t.traceId });
        expect(l.attributes["tenant.id"]).toBe("acme");
        if (l.spanId === null) {
          withoutSpan++;
          continue;
        }
        const span = spans.get(l.spanId)!;
        expect(span).toBeDefined();
        expect(l.service).toBe(span.service);
        expect(timeUs(l)).toBeGreaterThanOrEqual(span.start);
        expect(timeUs(l)).toBeLessThanOrEqual(Math.round(endOf(span)));
      }
      // Time-ordered, as a logs panel reads them.
      expect(logs.map(timeUs)).toEqual(logs.map(timeUs).sort((a, b) => a - b));
      for (const span of t.spans) {
        if (span.status !== SpanStatus.Error) continue;
        const own = span.parent === null ? logs.filter((l) => l.spanId === null) : onSpan(logs, span);
        expect(own.some((l) => l.severityNumber >= DEMO_SEVERITY.warn.severityNumber), `${span.name} failed without a log`).toBe(true);
        errors++;
      }
    }
    expect(withoutSpan).toBeGreaterThan(100);
    expect(errors).toBeGreaterThan(10);
  });

  it("gives each line the resource its span's row has", () => {
    const t = requestWithJobAndEvent((attempt) => attempt === 1, 3);
    const rows: string[] = [];
    new TraceRowWriter(RESOURCES).write(t, ORIGIN_US, { write: (text) => rows.push(text) });
    // COPY columns: span_id is the 3rd, resource_id the 16th.
    const resourceOfSpan = new Map(rows.map((row) => row.split("\t")).map((cols) => [cols[2]!, cols[15]!]));
    for (const l of logsOf(t)) {
      const spanId = l.spanId ?? t.spans[0]!.id;
      expect(l.resourceId).toBe(resourceOfSpan.get(spanId));
    }
  });

  it("is pure: the same records twice, and no draw from the trace's random streams", () => {
    const a = new Random(99);
    const b = new Random(99);
    const ta = buildTrace(a, TENANT);
    buildTrace(b, TENANT);
    expect(logsOf(ta)).toEqual(logsOf(ta));
    expect(a.uint32()).toBe(b.uint32());
  });
});
