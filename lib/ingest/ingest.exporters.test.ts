import { randomBytes } from "node:crypto";
import { DiagLogLevel, SpanKind, SpanStatusCode, context, diag, trace, type HrTime } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { bigintToSpanId, uuidToTraceId } from "@/db/span-codec/ids";
import { keyFor, seedTenant, startIngestServer, TEST_RESOURCE_SCHEMA_URL, TEST_SCOPE, testTracing, type ExporterKind, type IngestServer } from "./testing/fixtures";

let t: TestDatabase;
let server: IngestServer;
let acmeKey: string;
let platformKey: string;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenant(t.sql, "acme", { slowThresholdMs: 50 });
  await seedTenant(t.sql, "globex");
  acmeKey = await keyFor(t, "acme");
  platformKey = await keyFor(t, null);
  server = await startIngestServer(t);
});
afterAll(async () => {
  await server.close();
  await t.drop();
});

const ns = ([s, n]: HrTime) => BigInt(s) * 1_000_000_000n + BigInt(n);
const micros = (time: HrTime) => ns(time) / 1000n;

interface SpanRow {
  tenant_id: string;
  trace_id: string;
  span_id: bigint;
  parent_span_id: bigint | null;
  request_id: string | null;
  service: string;
  name: string;
  kind: number;
  start_time: Date;
  start_ns: string;
  duration_ns: bigint;
  status_code: number;
  status_message: string | null;
  attributes: Record<string, unknown>;
  events: unknown[];
  links: unknown[];
  flags: number;
  resource: Record<string, unknown>;
  resource_schema_url: string;
  resource_dropped: number;
  scope: { name: string; version: string; attributes: Record<string, unknown>; dropped_attributes_count: number; schema_url: string };
}

async function storedSpans(traceIdHex: string): Promise<SpanRow[]> {
  return t.sql<SpanRow[]>`
    SELECT s.*, ((extract(epoch FROM s.start_time) * 1000000)::bigint * 1000 + s.start_sub_us_ns)::text AS start_ns, r.attributes AS resource,
           r.schema_url AS resource_schema_url, r.dropped_attributes_count AS resource_dropped,
           jsonb_build_object('name', c.name, 'version', c.version, 'attributes', c.attributes,
                              'dropped_attributes_count', c.dropped_attributes_count, 'schema_url', c.schema_url) AS scope
    FROM spans s JOIN resources r ON r.tenant_id = s.tenant_id AND r.id = s.resource_id
    JOIN scopes c ON c.tenant_id = s.tenant_id AND c.id = s.scope_id
    WHERE s.trace_id = ${traceIdHex}::uuid ORDER BY s.start_time, s.span_id`;
}

/** Records a small checkout trace: a server root, a client child with an event and a link, an error. */
function recordCheckout(tracer: ReturnType<typeof testTracing>["tracer"], linked: ReadableSpan | undefined) {
  // Times with nanoseconds below the microsecond, which only duration_ns can keep.
  const second = Math.floor(Date.now() / 1000) - 5;
  const root = tracer.startSpan("POST /checkout", {
    kind: SpanKind.SERVER,
    startTime: [second, 100_000_123],
    attributes: { "http.request.method": "POST", "http.route": "/checkout", "http.response.status_code": 502, "request.id": "req-checkout-0001", "cart.items": 3, "cart.total": 42.5, "cart.tags": ["new", "promo"] },
  });
  const ctx = trace.setSpan(context.active(), root);
  const child = tracer.startSpan(
    "charge card",
    { kind: SpanKind.CLIENT, startTime: [second, 100_500_999], attributes: { "peer.service": "payments", "retry.attempt": 2, "feature.enabled": true }, links: linked ? [{ context: linked.spanContext(), attributes: { "link.reason": "retry of" } }] : [] },
    ctx,
  );
  child.addEvent("payment declined", { "decline.code": "insufficient_funds" }, [second, 120_000_001]);
  child.setStatus({ code: SpanStatusCode.ERROR, message: "card declined" });
  child.end([second, 130_000_777]);
  root.setStatus({ code: SpanStatusCode.ERROR });
  // A slow root: the tenant's threshold is 50 ms.
  root.end([second, 160_000_456]);
  return { root, child };
}

describe.each<ExporterKind>(["proto", "json"])("spans exported by the real OpenTelemetry %s exporter", (kind) => {
  it("are stored exactly: ids, parentage, times in ns, status, attributes, events, links, resource and summary", async () => {
    // The same spans, as the SDK handed them to the OTLP exporter, to compare with what was stored.
    const memory = new InMemorySpanExporter();
    const tracing = testTracing({ endpoint: server.endpoint, key: acmeKey, kind, alsoTo: memory, resource: { "service.version": "1.4.2", "deployment.environment.name": "test" } });
    const earlier = tracing.tracer.startSpan("earlier attempt");
    earlier.end();
    recordCheckout(tracing.tracer, memory.getFinishedSpans()[0]);
    await tracing.flush();
    // Read before shutdown, which empties the in-memory exporter.
    const sent = memory.getFinishedSpans();
    await tracing.shutdown();

    const root = sent.find((s) => s.name === "POST /checkout")!;
    const child = sent.find((s) => s.name === "charge card")!;
    const linked = sent.find((s) => s.name === "earlier attempt")!;
    const rows = await storedSpans(root.spanContext().traceId);
    expect(rows).toHaveLength(2);
    const [rootRow, childRow] = rows as [SpanRow, SpanRow];

    for (const [row, span] of [[rootRow, root], [childRow, child]] as const) {
      expect(row.tenant_id).toBe("acme");
      expect(uuidToTraceId(row.trace_id)).toBe(span.spanContext().traceId);
      expect(bigintToSpanId(row.span_id)).toBe(span.spanContext().spanId);
      // To the nanosecond: start_time's microseconds and start_sub_us_ns.
      expect(row.start_ns).toBe(String(ns(span.startTime)));
      expect(row.duration_ns).toBe(ns(span.endTime) - ns(span.startTime));
      expect(row.service).toBe("checkout");
      expect(row.resource).toEqual(span.resource.attributes);
      expect(row.resource_schema_url).toBe(TEST_RESOURCE_SCHEMA_URL);
      expect(row.resource_dropped).toBe(0);
      // The tracer's instrumentation scope, as the exporter sent it.
      expect(row.scope).toEqual({ name: TEST_SCOPE.name, version: TEST_SCOPE.version, attributes: {}, dropped_attributes_count: 0, schema_url: TEST_SCOPE.schemaUrl });
      expect(span.instrumentationScope).toMatchObject(TEST_SCOPE);
      // Sampled, and the exporter says whether the parent is remote (bit 8): here it is not.
      expect(row.flags).toBe(0x101);
    }
    expect(rootRow.parent_span_id).toBeNull();
    expect(bigintToSpanId(childRow.parent_span_id!)).toBe(root.spanContext().spanId);
    expect(rootRow).toMatchObject({ name: "POST /checkout", kind: SpanKind.SERVER + 1, status_code: 2, status_message: null, request_id: "req-checkout-0001" });
    expect(rootRow.attributes).toEqual({
      "http.request.method": "POST", "http.route": "/checkout", "http.response.status_code": 502, "request.id": "req-checkout-0001",
      "cart.items": 3, "cart.total": 42.5, "cart.tags": ["new", "promo"],
    });
    expect(childRow).toMatchObject({ name: "charge card", kind: SpanKind.CLIENT + 1, status_code: 2, status_message: "card declined", request_id: null });
    expect(childRow.attributes).toEqual({ "peer.service": "payments", "retry.attempt": 2, "feature.enabled": true });
    expect(childRow.events).toEqual([
      { name: "payment declined", timeUnixNano: String(ns(child.events[0]!.time)), attributes: { "decline.code": "insufficient_funds" } },
    ]);
    expect(childRow.links).toEqual([{ traceId: linked.spanContext().traceId, spanId: linked.spanContext().spanId, flags: 0x101, attributes: { "link.reason": "retry of" } }]);

    const [summary] = await t.sql`
      SELECT *, (extract(epoch FROM start_time) * 1000000)::bigint::text AS start_us FROM traces WHERE trace_id = ${rootRow.trace_id}::uuid`;
    const start = micros(root.startTime) < micros(child.startTime) ? micros(root.startTime) : micros(child.startTime);
    const end = [root, child].map((s) => micros(s.startTime) * 1000n + ns(s.endTime) - ns(s.startTime)).reduce((a, b) => (a > b ? a : b));
    expect(summary).toMatchObject({
      tenant_id: "acme",
      start_us: String(start),
      duration_ns: end - start * 1000n,
      root_span_id: rootRow.span_id,
      root_service: "checkout",
      root_name: "POST /checkout",
      request_id: "req-checkout-0001",
      span_count: 2,
      error_count: 2,
      services: ["checkout"],
      has_error: true,
      is_slow: true,
      is_security: false,
      sample_weight: 1,
    });
  });
});

it.each<ExporterKind>(["proto", "json"])("keeps the %s exporter's remote-parent bits: a span continuing a remote trace has flags 0x301", async (kind) => {
  const tracing = testTracing({ endpoint: server.endpoint, key: acmeKey, kind });
  const remote = { traceId: randomBytes(16).toString("hex"), spanId: "00f067aa0ba902b7", traceFlags: 1, isRemote: true };
  const span = tracing.tracer.startSpan("continue", {}, trace.setSpanContext(context.active(), remote));
  span.end();
  await tracing.flush();
  await tracing.shutdown();
  const rows = await storedSpans(remote.traceId);
  expect(rows.map((r) => [r.name, r.flags, bigintToSpanId(r.parent_span_id!)])).toEqual([["continue", 0x301, remote.spanId]]);
});

it("accepts gzip from the exporters and writes each tenant a platform collector names", async () => {
  for (const [kind, tenant] of [["proto", "acme"], ["json", "globex"]] as const) {
    const tracing = testTracing({ endpoint: server.endpoint, key: platformKey, kind, gzip: true, resource: { "tenant.id": tenant, "service.name": `svc-${kind}` } });
    const span = tracing.tracer.startSpan("job.run", { attributes: { "job.id": "job-1" } });
    span.end();
    await tracing.flush();
    await tracing.shutdown();
    const rows = await storedSpans(span.spanContext().traceId);
    expect(rows.map((r) => [r.tenant_id, r.service, r.name])).toEqual([[tenant, `svc-${kind}`, "job.run"]]);
  }
});

it.each<ExporterKind>(["proto", "json"])("answers the %s exporter's refused spans with a partial_success it understands", async (kind) => {
  const warnings: string[] = [];
  const quiet = () => {};
  diag.setLogger({ warn: (...args: unknown[]) => warnings.push(args.join(" ")), error: quiet, info: quiet, debug: quiet, verbose: quiet }, DiagLogLevel.WARN);
  try {
    const tracing = testTracing({ endpoint: server.endpoint, key: acmeKey, kind });
    tracing.tracer.startSpan("mine").end();
    tracing.tracer.startSpan("not mine", { attributes: { "tenant.id": "globex" } }).end();
    await tracing.flush();
    await tracing.shutdown();
  } finally {
    diag.disable();
  }
  const received = warnings.find((w) => w.startsWith("Received Partial Success response:"));
  expect(JSON.parse(received!.slice("Received Partial Success response:".length))).toEqual({
    rejectedSpans: kind === "proto" ? 1 : "1",
    errorMessage: "Refused 1 of 1 spans: 1 with a tenant other than the one the key is scoped to (isolation violation).",
  });
});
