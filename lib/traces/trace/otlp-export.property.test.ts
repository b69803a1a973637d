import { randomBytes } from "node:crypto";
import path from "node:path";
import fc from "fast-check";
import protobuf from "protobufjs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { enterReaderScope } from "@/db/reader-scope";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { decodeJson } from "@/lib/ingest/traces/decode-json";
import { decodeProtobuf } from "@/lib/ingest/traces/decode-protobuf";
import { defaultLimits } from "@/lib/ingest/otlp-http/limits";
import { normalizeRequest } from "@/lib/ingest/traces/normalize";
import { opentelemetry } from "@/lib/ingest/proto/otlp.js";
import { defaultRedactionRules, Redactor } from "@/lib/ingest/otlp-http/redact";
import { keyFor, postOtlp, seedTenant, startIngestServer, type IngestServer } from "@/lib/ingest/testing/fixtures";
import { encodeRequest, fixed64 } from "@/lib/ingest/testing/synthetic";
import { traceIdToUuid } from "@/db/span-codec/ids";
import { writeOtlpExport } from "./otlp-export";
import { findTraceHeader } from "./trace-header";

// Random valid OTLP requests with every value type and corner → ingest (tenant acme) → export →
// ingest the export (tenant beta) → both stored traces are identical; and the export decodes
// with the official proto definitions (protobufjs's generated code) to the same spans.

let t: TestDatabase;
let server: IngestServer;
const keys: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestDatabase();
  for (const tenant of ["acme", "beta"]) {
    await seedTenant(t.sql, tenant);
    keys[tenant] = await keyFor(t, tenant);
  }
  server = await startIngestServer(t);
});
afterAll(async () => {
  await server.close();
  await t.drop();
});

type PbValue = opentelemetry.proto.common.v1.AnyValue.$Properties;
type PbKeyValue = opentelemetry.proto.common.v1.KeyValue.$Properties;

const text = fc.string({ unit: fc.constantFrom("a", "Z", "\n", "é", "😀", '"', "\\", " ", "$", "0"), maxLength: 12 });
const key = fc.oneof(text, fc.constantFrom("$int", "$double", "$bytes", "$kvlist", "__proto__", "constructor", "toString"));

const scalar: fc.Arbitrary<PbValue> = fc.oneof(
  text.map((s) => ({ stringValue: s })),
  fc.boolean().map((b) => ({ boolValue: b })),
  fc
    .oneof(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), fc.constantFrom(9_007_199_254_740_993n, -(1n << 63n), (1n << 63n) - 1n, 0n))
    .map((n) => ({ intValue: fixed64(BigInt.asUintN(64, n)) as never })),
  fc.oneof(fc.double(), fc.constantFrom(3, -0, NaN, Infinity, -Infinity, 1e300)).map((d) => ({ doubleValue: d })),
  fc.uint8Array({ maxLength: 6 }).map((b) => ({ bytesValue: Buffer.from(b) })),
);
const { value } = fc.letrec<{ value: PbValue; kv: PbKeyValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 3 }).map((values) => ({ arrayValue: { values } })),
    fc.array(tie("kv"), { maxLength: 3 }).map((values) => ({ kvlistValue: { values } })),
  ),
  kv: fc.record({ key, value: tie("value") }),
}));
const attributes = fc.uniqueArray(fc.record({ key, value }), { maxLength: 4, selector: (kv) => kv.key });

const nonZero = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b.map((x, i) => (i === 0 ? x | 1 : x))));

const traceState = fc.option(fc.constantFrom("rojo=00f067aa0ba902b7", "congo=t61rcWkgMzE,rojo=1", "vendor@tenant=x"), { nil: undefined });

// fixed32: the SDK's values (sampled, the remote-parent bits) and any other.
const flags = fc.oneof(fc.constantFrom(0, 0x1, 0x101, 0x301, 0xffffffff), fc.integer({ min: 0, max: 0xffffffff }));
const schemaUrl = fc.constantFrom("", "https://opentelemetry.io/schemas/1.26.0", "https://example.com/schema é");

const span = fc.record({
  spanId: nonZero(8),
  traceState,
  flags,
  name: text,
  kind: fc.integer({ min: 0, max: 5 }),
  offsetNs: fc.bigInt({ min: 0n, max: 10_000_000_000n }),
  durationNs: fc.bigInt({ min: 0n, max: 5_000_000_000n }),
  attributes,
  droppedAttributesCount: fc.nat({ max: 5 }),
  events: fc.array(fc.record({ offsetNs: fc.bigInt({ min: 0n, max: 1_000_000n }), name: text, attributes, droppedAttributesCount: fc.nat({ max: 3 }) }), { maxLength: 2 }),
  droppedEventsCount: fc.nat({ max: 3 }),
  links: fc.array(fc.record({ traceId: nonZero(16), spanId: nonZero(8), traceState, flags, attributes, droppedAttributesCount: fc.nat({ max: 3 }) }), { maxLength: 2 }),
  droppedLinksCount: fc.nat({ max: 3 }),
  status: fc.record({ code: fc.integer({ min: 0, max: 2 }), message: text }),
  parent: fc.option(fc.nat(), { nil: undefined }),
});

const scope = fc.record({
  scope: fc.option(fc.record({ name: text, version: text, attributes, droppedAttributesCount: fc.nat({ max: 3 }) }), { nil: undefined }),
  schemaUrl,
});

const resource = fc.record({
  service: fc.constantFrom("checkout", "payments"),
  attributes,
  droppedAttributesCount: fc.nat({ max: 3 }),
  schemaUrl,
  // A resource's spans go to its scopes in turn.
  scopes: fc.array(scope, { minLength: 1, maxLength: 2 }),
});

type SpanCase = typeof span extends fc.Arbitrary<infer T> ? T : never;

type ResourceCase = typeof resource extends fc.Arbitrary<infer T> ? T : never;

function request(traceId: Buffer, resources: ResourceCase[], spans: SpanCase[][]) {
  const startNs = BigInt(Date.now() - 60_000) * 1_000_000n + 789n;
  const ids = spans.flat().map((s) => s.spanId);
  return encodeRequest({
    resourceSpans: resources.map((r, i) => ({
      resource: { attributes: [{ key: "service.name", value: { stringValue: r.service } }, ...r.attributes.filter((a) => a.key !== "service.name")], droppedAttributesCount: r.droppedAttributesCount },
      schemaUrl: r.schemaUrl,
      scopeSpans: r.scopes.map((sc, k) => ({
          scope: sc.scope,
          schemaUrl: sc.schemaUrl,
          spans: spans[i]!.filter((_, n) => n % r.scopes.length === k).map((s) => ({
            traceId,
            spanId: s.spanId,
            traceState: s.traceState,
            flags: s.flags,
            parentSpanId: s.parent === undefined ? undefined : ids[s.parent % ids.length],
            name: s.name,
            kind: s.kind,
            startTimeUnixNano: fixed64(startNs + s.offsetNs),
            endTimeUnixNano: fixed64(startNs + s.offsetNs + s.durationNs),
            attributes: s.attributes,
            droppedAttributesCount: s.droppedAttributesCount,
            events: s.events.map((e) => ({ timeUnixNano: fixed64(startNs + s.offsetNs + e.offsetNs), name: e.name, attributes: e.attributes, droppedAttributesCount: e.droppedAttributesCount })),
            droppedEventsCount: s.droppedEventsCount,
            links: s.links,
            droppedLinksCount: s.droppedLinksCount,
            status: s.status,
          })),
      })),
    })),
  });
}

/** Everything stored of the trace under `tenant`, but the tenant. */
async function stored(tenant: string, traceHex: string) {
  const uuid = traceIdToUuid(traceHex);
  const spans = await t.sql`
    SELECT s.span_id, s.parent_span_id, s.trace_state, s.flags, s.request_id, s.service, s.name, s.kind, s.start_time, s.start_sub_us_ns, s.duration_ns, s.status_code,
           s.status_message, s.attributes::text, s.events::text, s.links::text, r.attributes::text AS resource,
           s.resource_id, r.schema_url AS resource_schema_url, r.dropped_attributes_count AS resource_dropped, s.scope_id,
           c.name AS scope_name, c.version AS scope_version, c.attributes::text AS scope_attributes,
           c.dropped_attributes_count AS scope_dropped, c.schema_url AS scope_schema_url,
           s.dropped_attributes_count, s.dropped_events_count, s.dropped_links_count
    FROM spans s JOIN resources r ON r.tenant_id = s.tenant_id AND r.id = s.resource_id
    JOIN scopes c ON c.tenant_id = s.tenant_id AND c.id = s.scope_id
    WHERE s.tenant_id = ${tenant} AND s.trace_id = ${uuid}::uuid ORDER BY s.span_id`;
  const summary = await t.sql`
    SELECT start_time, end_time, duration_ns, span_count, error_count, services, root_span_id, root_name, attributes::text, attribute_number_cells
    FROM traces WHERE tenant_id = ${tenant} AND trace_id = ${uuid}::uuid`;
  // The summary's distinct values of a key follow the order spans arrived in, which an export may
  // change (it groups by resource); the set of values is what must survive.
  const summaryRows = summary.map((row) => ({ ...row, attributes: valueSets(row.attributes as string) }));
  return { spans, summary: summaryRows };
}

function valueSets(attributes: string): Record<string, string[]> {
  const parsed = JSON.parse(attributes) as Record<string, unknown[]>;
  return Object.fromEntries(Object.entries(parsed).map(([key, values]) => [key, values.map((v) => JSON.stringify(v)).sort()]));
}

async function exported(tenant: string, traceHex: string): Promise<string> {
  const scope = { all: false as const, tenantIds: [tenant] };
  return t.sql.begin(async (tx) => {
    await enterReaderScope(tx, scope);
    const header = (await findTraceHeader(tx, scope, traceHex))!;
    let body = "";
    await writeOtlpExport(tx, header, async (chunk) => {
      body += chunk;
    });
    return body;
  }) as Promise<string>;
}

// The opentelemetry-proto files as published (v1.11.0, with span and link flags and scope attributes).
const PROTOS = path.join(process.cwd(), "lib/ingest/testing/opentelemetry-proto");
const protoRoot = new protobuf.Root();
protoRoot.resolvePath = (_origin, target) => path.join(PROTOS, target);
protoRoot.loadSync("opentelemetry/proto/collector/trace/v1/trace_service.proto");
const ExportTraceServiceRequest = protoRoot.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest");

/** OTLP/JSON to the protobuf JSON mapping the generated code reads: ids as bytes instead of hex. */
function idsAsBytes(node: unknown, key = ""): unknown {
  if (typeof node === "string" && ["traceId", "spanId", "parentSpanId"].includes(key)) return Buffer.from(node, "hex");
  if (Array.isArray(node)) return node.map((n) => idsAsBytes(n));
  if (node && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, idsAsBytes(v, k)]));
  return node;
}

const redactor = new Redactor(defaultRedactionRules);
const normalized = (r: Parameters<typeof normalizeRequest>[0]) =>
  normalizeRequest(r, redactor, defaultLimits.span).map((e) =>
    e.span ? { ...e.span, resource: { ...e.span.resource, redactions: {} }, scope: { ...e.span.scope, redactions: {} }, redactions: {} } : e,
  );

it("ingest → export → ingest into a second tenant stores an identical trace, and the export is valid OTLP", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(resource, { minLength: 1, maxLength: 2 }), fc.array(fc.array(span, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 2 }), async (resources, spans) => {
      const traceId = randomBytes(16);
      const traceHex = traceId.toString("hex");
      const first = await postOtlp(server.endpoint, { body: request(traceId, resources, spans), key: keys.acme });
      expect(first.status).toBe(200);
      const original = await stored("acme", traceHex);
      expect(original.spans.length).toBeGreaterThan(0);

      const body = await exported("acme", traceHex);
      // The official definitions read the export, to the spans the JSON decoder reads.
      const message = ExportTraceServiceRequest.fromObject(idsAsBytes(JSON.parse(body)) as Record<string, unknown>);
      expect(ExportTraceServiceRequest.verify(message)).toBeNull();
      expect(normalized(decodeProtobuf(ExportTraceServiceRequest.encode(message).finish()))).toEqual(normalized(decodeJson(Buffer.from(body))));

      const second = await postOtlp(server.endpoint, { body, contentType: "application/json", key: keys.beta });
      expect(second.status).toBe(200);
      expect(JSON.parse(second.body.toString())).toEqual({});
      expect(await stored("beta", traceHex)).toEqual(original);
    }),
    { numRuns: 30 },
  );
}, 120_000);
