import { ROOT_CONTEXT, SpanStatusCode, TraceFlags, trace, type Attributes, type Context, type Span } from "@opentelemetry/api";
import { TraceState } from "@opentelemetry/core";
import { InMemorySpanExporter, RandomIdGenerator, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { HeadSampler } from "./head-sampler";
import { TailSamplingProcessor, type TailSamplingOptions } from "./tail-sampling";

function service(options: Partial<TailSamplingOptions> = {}) {
  const exporter = new InMemorySpanExporter();
  const tail = new TailSamplingProcessor(new SimpleSpanProcessor({ exporter }), options);
  const provider = new TracerProvider({ sampler: new HeadSampler(["/v1/traces"]), spanProcessors: [tail] });
  const tracer = provider.getTracer("test");
  return {
    tail,
    exported: () => exporter.getFinishedSpans().map((s) => s.name),
    exportedSpans: () => exporter.getFinishedSpans(),
    root: (name: string, attributes: Attributes = {}, parent: Context = ROOT_CONTEXT, startTime?: number) =>
      tracer.startSpan(name, { attributes, startTime }, parent),
    child: (parent: Span, name: string, attributes: Attributes = {}) => tracer.startSpan(name, { attributes }, trace.setSpan(ROOT_CONTEXT, parent)),
  };
}

const ids = new RandomIdGenerator();

function remoteParent(traceId: string, traceState?: string): Context {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId: ids.generateSpanId(),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    ...(traceState ? { traceState: new TraceState(traceState) } : {}),
  });
}

describe("tail sampling", () => {
  it("holds a low-priority trace's spans until its root ends, then exports them together", () => {
    const s = service({ lowPriorityRatio: 1 });
    const root = s.root("GET /search", { "sampling.priority": "low" });
    const child = s.child(root, "SELECT products");
    child.end();
    expect(s.exported()).toEqual([]);
    expect(s.tail.stats().openTraces).toBe(1);
    root.end();
    expect(s.exported()).toEqual(["SELECT products", "GET /search"]);
    expect(s.exportedSpans()[1]!.attributes).toMatchObject({ "sampling.reason": "ratio", "sampling.ratio": 1 });
  });

  it("passes normal-priority spans straight through: they are kept whatever happens", () => {
    const s = service({ lowPriorityRatio: 0 });
    const root = s.root("GET /orders");
    s.child(root, "SELECT orders").end();
    expect(s.exported()).toEqual(["SELECT orders"]);
    root.end();
    expect(s.exported()).toEqual(["SELECT orders", "GET /orders"]);
    expect(s.tail.stats()).toMatchObject({ openTraces: 0, keptTraces: 1 });
  });

  it("samples out low-priority traces but always keeps errors, security operations and slow requests", () => {
    const s = service({ lowPriorityRatio: 0, slowThresholdMs: 500 });
    const low = { "sampling.priority": "low" };

    s.root("GET /health", low).end();

    const failing = s.root("GET /report", low);
    s.child(failing, "render").setStatus({ code: SpanStatusCode.ERROR }).end();
    failing.end();

    const signIn = s.root("POST /login", low);
    s.child(signIn, "check password", { "security.operation": true }).end();
    signIn.end();

    s.root("GET /export", low, ROOT_CONTEXT, Date.now() - 800).end();
    s.root("GET /fast", low, ROOT_CONTEXT, Date.now() - 100).end();
    s.root("GET /normal").end();

    expect(s.exported()).toEqual(["render", "GET /report", "check password", "POST /login", "GET /export", "GET /normal"]);
    const reasons = Object.fromEntries(s.exportedSpans().map((x) => [x.name, x.attributes["sampling.reason"]]));
    expect(reasons).toEqual({ render: undefined, "GET /report": "error", "check password": undefined, "POST /login": "security", "GET /export": "slow", "GET /normal": undefined });
    expect(s.tail.stats()).toMatchObject({ keptTraces: 4, droppedTraces: 2, openTraces: 0 });
  });

  it("makes the same low-priority decision in every service for the same trace id", () => {
    const frontend = service({ lowPriorityRatio: 0.3 });
    const worker = service({ lowPriorityRatio: 0.3 });
    const keptBy = (svc: ReturnType<typeof service>) => new Set(svc.exportedSpans().map((x) => x.spanContext().traceId));

    for (let i = 0; i < 400; i++) {
      const root = frontend.root("GET /search", { "sampling.priority": "low" });
      root.end();
      // The priority reaches the worker in tracestate, as a job envelope or a traceparent would carry it.
      const carried = root.spanContext().traceState?.serialize();
      expect(carried).toBe("te-priority=low");
      worker.root("process search-index", {}, remoteParent(root.spanContext().traceId, carried)).end();
    }
    const front = keptBy(frontend);
    expect(keptBy(worker)).toEqual(front);
    expect(front.size).toBeGreaterThan(400 * 0.3 - 40);
    expect(front.size).toBeLessThan(400 * 0.3 + 40);
    expect(frontend.exportedSpans().every((x) => x.attributes["sampling.ratio"] === 0.3)).toBe(true);
  });

  it("puts a root's declared priority in front of the upstream tracestate, and in a fresh one without it", () => {
    const s = service({ lowPriorityRatio: 1 });
    const upstream = remoteParent(ids.generateTraceId(), "vendor=abc,te-priority=normal");
    const continued = s.root("GET /feed", { "sampling.priority": "low" }, upstream);
    const fresh = s.root("GET /feed", { "sampling.priority": "high" });
    const again = s.root("GET /feed", { "sampling.priority": "low" });
    expect(continued.spanContext().traceState?.serialize()).toBe("te-priority=low,vendor=abc");
    expect(fresh.spanContext().traceState?.serialize()).toBe("te-priority=high");
    expect(again.spanContext().traceState?.serialize()).toBe("te-priority=low");
    for (const span of [continued, fresh, again]) span.end();
    expect(s.exported()).toHaveLength(3);
  });

  it("bounds the spans buffered per trace and counts the overflow", () => {
    const s = service({ maxSpansPerTrace: 3, lowPriorityRatio: 1 });
    const root = s.root("POST /import", { "sampling.priority": "low" });
    for (let i = 0; i < 5; i++) s.child(root, `row ${i}`).end();
    root.end();
    expect(s.exported()).toEqual(["row 0", "row 1", "row 2", "POST /import"]);
    expect(s.tail.stats().overflowSpans).toBe(2);
  });

  it("decides the oldest trace early when too many are open, and its later spans follow that decision", () => {
    const s = service({ maxOpenTraces: 2, lowPriorityRatio: 0 });
    const low = { "sampling.priority": "low" };
    const first = s.root("GET /a", low);
    s.child(first, "a early").end();
    const firstLate = s.child(first, "a late");
    const second = s.root("GET /b", low);
    const third = s.root("GET /c", low);
    expect(s.tail.stats()).toMatchObject({ decidedEarly: 1, openTraces: 2 });

    s.child(third, "c fails").setStatus({ code: SpanStatusCode.ERROR }).end();
    third.end();
    // Decided early with nothing worth keeping: its buffered span is gone and later ones too.
    firstLate.setStatus({ code: SpanStatusCode.ERROR }).end();
    first.end();
    second.setStatus({ code: SpanStatusCode.ERROR }).end();
    expect(s.exported()).toEqual(["c fails", "GET /c", "GET /b"]);
  });

  it("exports a straggler span that ends after its kept root", () => {
    const s = service({ lowPriorityRatio: 1 });
    const root = s.root("POST /orders", { "sampling.priority": "low" });
    const straggler = s.child(root, "send confirmation");
    root.end();
    straggler.end();
    expect(s.exported()).toEqual(["POST /orders", "send confirmation"]);
  });

  it("never records the ingest route, nor anything under it", () => {
    const s = service();
    const ingest = s.root("POST /v1/traces", { "url.path": "/v1/traces" });
    expect(ingest.isRecording()).toBe(false);
    expect(ingest.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    const child = s.child(ingest, "insert spans");
    expect(child.isRecording()).toBe(false);
    child.end();
    ingest.end();
    s.root("POST /v1/traces?x=1", { "http.target": "/v1/traces?x=1" }).end();
    s.root("GET /v1/tracesque", { "url.path": "/v1/tracesque" }).end();
    expect(s.exported()).toEqual(["GET /v1/tracesque"]);
  });
});
