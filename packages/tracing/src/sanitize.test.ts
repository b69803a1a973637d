import { ROOT_CONTEXT, trace, type Attributes } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { benignCorpus, leakCorpus, leakNeedles, recordBenign, recordLeak, resourceOf, type LeakCase } from "./redaction/corpus";
import { SanitizingExporter } from "./sanitizing-exporter";

// The shared corpus (src/redaction/corpus/) through the real SDK and the sanitizing exporter:
// every leak in its place (attribute key or value of every type, event, link, resource,
// status message, span name) must be gone from what is exported.
function exportLeak(leak: LeakCase): ReadableSpan {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": "leaky", ...resourceOf([leak]) }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: new SanitizingExporter(exporter) })],
  });
  const tracer = provider.getTracer("corpus");
  const linked = tracer.startSpan("upstream", {}, ROOT_CONTEXT);
  recordLeak(tracer, leak, ROOT_CONTEXT, linked.spanContext());
  if (leak.in === "resource") tracer.startSpan("operation", {}, ROOT_CONTEXT).end();
  const [exported] = exporter.getFinishedSpans();
  return exported!;
}

function visible(span: ReadableSpan): string {
  return JSON.stringify(
    {
      name: span.name,
      attributes: span.attributes,
      events: span.events,
      links: span.links.map((l) => l.attributes),
      status: span.status,
      resource: span.resource.attributes,
    },
    (_key, value: unknown) => (value instanceof Uint8Array ? `${Buffer.from(value).toString("base64")} ${Buffer.from(value).toString("utf8")}` : value),
  );
}

describe("sanitizer", () => {
  it("has the shared corpus of at least 150 leaks and 60 benign values", () => {
    expect(leakCorpus.length).toBeGreaterThanOrEqual(150);
    expect(benignCorpus.length).toBeGreaterThanOrEqual(60);
    // A benign value holding a leak's needle would make the two corpora contradict each other.
    const needles = leakCorpus.flatMap(leakNeedles);
    expect(benignCorpus.filter((b) => needles.some((n) => String(b.value).includes(n))).map((b) => b.name)).toEqual([]);
  });

  it.each(leakCorpus.map((leak) => [leak.name, leak] as const))("removes %s before export", (_name, leak) => {
    const span = exportLeak(leak);
    const text = visible(span);
    for (const needle of leakNeedles(leak)) expect(text).not.toContain(needle);
    // The span still exports with its identity intact.
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("keeps every benign value of the corpus exactly", () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: new SanitizingExporter(exporter) })] });
    const tracer = provider.getTracer("t");
    for (const benign of benignCorpus) recordBenign(tracer, benign, ROOT_CONTEXT);
    const altered = exporter.getFinishedSpans().flatMap((span, i) => {
      const { key, value, name } = benignCorpus[i]!;
      return span.attributes[key] === value ? [] : [`${name}: ${JSON.stringify(span.attributes[key])}`];
    });
    expect(altered).toEqual([]);
  });

  it("keeps ordinary values that only look a little like secrets", () => {
    const attributes: Attributes = {
      "trace.parent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "job.id": "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
      "gen_ai.usage.input_tokens": 1234,
      "cache.key": "user:42:profile",
      "http.route": "/api/traces/[traceId]",
      "db.statement": "SELECT * FROM spans WHERE tenant_id = $1 AND start_time > $2",
      "url.full": "https://api.example.com/v1/orders?page=2&limit=50",
      "event.time_ms": "1717171717171",
      "order.number": "ORD-2024-000123",
      "invoice.amount_cents": "1234567812345678",
      "exception.message": "Order 42 not found",
      "server.address": "db.internal",
      "request.id": "client-req-20240611-0001",
      "auth.error": "Basic authentication required; the Bearer of this session is unknown",
    };
    const recorded = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: recorded })] });
    provider.getTracer("t").startSpan("GET /api/traces/[traceId]", { attributes }, ROOT_CONTEXT).end();
    const span = recorded.getFinishedSpans()[0]!;
    const exporter = new InMemorySpanExporter();
    new SanitizingExporter(exporter).export([span], () => {});
    expect(exporter.getFinishedSpans()[0]!.attributes).toEqual(attributes);
    // Nothing to change: the very same span object is passed on, no copy made.
    expect(exporter.getFinishedSpans()[0]).toBe(span);
  });

  it("keeps spans of one resource grouped under one resource object after sanitizing it", () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ "service.name": "svc", "deploy.token": "abc" }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: new SanitizingExporter(exporter) })],
    });
    const tracer = provider.getTracer("t");
    tracer.startSpan("a", { attributes: { "user.email": "x@example.com" } }, ROOT_CONTEXT).end();
    tracer.startSpan("b", { attributes: { "user.email": "y@example.com" } }, trace.setSpan(ROOT_CONTEXT, tracer.startSpan("p"))).end();
    const [a, b] = exporter.getFinishedSpans();
    expect(a!.resource).toBe(b!.resource);
    expect(a!.resource.attributes["deploy.token"]).toBe("[REDACTED]");
  });

  it("masks a repeated span name, key and resource every time, not only the first", () => {
    const exporter = new InMemorySpanExporter();
    const sanitizing = new SanitizingExporter(exporter);
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ "service.name": "svc", "deploy.token": "abc" }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: sanitizing })],
    });
    const tracer = provider.getTracer("t");
    for (let i = 0; i < 3; i++) {
      const span = tracer.startSpan("reset for ann@example.com", { attributes: { "user.password": `hunter${i}`, "url.path": `/reset/ann${i}@example.com` } }, ROOT_CONTEXT);
      span.addEvent("mail to ann@example.com");
      span.end();
    }
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(3);
    for (const span of spans) {
      expect(span.name).toBe("reset for [REDACTED:email]");
      expect(span.events[0]!.name).toBe("mail to [REDACTED:email]");
      expect(span.attributes).toEqual({ "user.password": "[REDACTED]", "url.path": "/reset/[REDACTED:email]" });
      expect(span.resource.attributes["deploy.token"]).toBe("[REDACTED]");
    }
  });
});
