import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enterReaderScope } from "@/db/reader-scope";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { keyFor, seedTenant, startIngestServer, type IngestServer } from "@/lib/ingest/testing/fixtures";
import { anyValue, writeOtlpExport } from "./otlp-export";
import { findTraceHeader } from "./trace-header";
import { insertSyntheticTrace } from "@/lib/traces/testing/synthetic-trace";

let t: TestDatabase;
let server: IngestServer;
let key: string;
const TRACE = "7af7651916cd43dd8448eb211c80319d";
const UUID = "7af76519-16cd-43dd-8448-eb211c80319d";

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenant(t.sql, "acme");
  key = await keyFor(t, "acme");
  server = await startIngestServer(t);
  await insertSyntheticTrace(t.sql, { tenant: "acme", traceId: TRACE, spans: 1_234 });
});

afterAll(async () => {
  await server.close();
  await t.drop();
});

async function exported(): Promise<string> {
  return t.sql.begin(async (tx) => {
    await enterReaderScope(tx, { all: false, tenantIds: ["acme"] });
    const header = (await findTraceHeader(tx, { all: false, tenantIds: ["acme"] }, TRACE))!;
    let body = "";
    await writeOtlpExport(tx, header, async (chunk) => {
      body += chunk;
    });
    return body;
  }) as Promise<string>;
}

/** The trace's spans as stored, with the resource's attributes instead of its id. */
function storedSpans() {
  return t.sql`
    SELECT s.tenant_id, s.span_id, s.parent_span_id, s.request_id, s.service, s.name, s.kind, s.start_time,
           (extract(epoch FROM s.start_time) * 1000000)::bigint AS start_us, s.duration_ns, s.status_code,
           s.status_message, s.attributes, s.events, s.links, r.attributes AS resource,
           s.dropped_attributes_count, s.dropped_events_count, s.dropped_links_count
    FROM spans s JOIN resources r ON r.tenant_id = s.tenant_id AND r.id = s.resource_id
    WHERE s.trace_id = ${UUID}::uuid ORDER BY s.span_id`;
}

describe("OTLP JSON export", () => {
  it("is an ExportTraceServiceRequest grouped by resource with hex ids", async () => {
    const body = JSON.parse(await exported()) as {
      resourceSpans: { resource: { attributes: { key: string }[] }; scopeSpans: { spans: { traceId: string; spanId: string; parentSpanId?: string }[] }[] }[];
    };
    // Six resources; grouped within each batch (50, 100, 200, then 250 spans at a time: seven
    // batches), never two ResourceSpans in a row for the same one.
    const resources = body.resourceSpans.map((rs) => JSON.stringify(rs.resource));
    expect(new Set(resources).size).toBe(6);
    expect(resources.length).toBeLessThanOrEqual(6 * 7);
    expect(resources.filter((r, i) => i > 0 && r === resources[i - 1])).toEqual([]);
    const spans = body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans));
    expect(spans).toHaveLength(1_234);
    expect(spans.every((s) => s.traceId === TRACE && /^[0-9a-f]{16}$/.test(s.spanId))).toBe(true);
    expect(spans.filter((s) => s.parentSpanId === undefined)).toHaveLength(1);
    expect(body.resourceSpans[0]!.resource.attributes.map((a) => a.key)).toContain("service.name");
  });

  it("re-ingests through POST /v1/traces to the same spans", async () => {
    const before = await storedSpans();
    const body = await exported();
    await t.sql`DELETE FROM spans WHERE trace_id = ${UUID}::uuid`;
    await t.sql`DELETE FROM traces WHERE trace_id = ${UUID}::uuid`;
    const response = await fetch(server.endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    const after = await storedSpans();
    expect(after).toHaveLength(before.length);
    expect(after).toEqual(before);
    const [summary] = await t.sql`SELECT span_count, error_count FROM traces WHERE trace_id = ${UUID}::uuid`;
    expect(summary).toMatchObject({ span_count: 1_234, error_count: 13 });
  });

  it("exports a span id stored twice (two start times) as two spans, each with its own start and name", async () => {
    // A retried span can be stored at two start times under one id (the key includes the start).
    await t.sql`
      INSERT INTO spans (tenant_id, trace_id, span_id, parent_span_id, request_id, service, name, kind, start_time, duration_ns,
                         status_code, attributes, events, links, resource_id)
      SELECT tenant_id, trace_id, span_id, parent_span_id, request_id, service, 'the retry', kind, start_time + interval '1 millisecond',
             duration_ns, status_code, attributes, events, links, resource_id
      FROM spans WHERE trace_id = ${UUID}::uuid AND parent_span_id IS NOT NULL ORDER BY span_id LIMIT 1`;
    const body = JSON.parse(await exported()) as { resourceSpans: { scopeSpans: { spans: { spanId: string; name: string; startTimeUnixNano: string }[] }[] }[] };
    const spans = body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans));
    expect(spans).toHaveLength(1_235);
    const counts = new Map<string, number>();
    for (const s of spans) counts.set(s.spanId, (counts.get(s.spanId) ?? 0) + 1);
    const twice = [...counts].filter(([, n]) => n === 2).map(([id]) => id);
    expect(twice).toHaveLength(1);
    const pair = spans.filter((s) => s.spanId === twice[0]);
    expect(new Set(pair.map((s) => s.startTimeUnixNano)).size).toBe(2);
    expect(pair.map((s) => s.name)).toContain("the retry");
  });

  it("maps every stored value kind back to an AnyValue", () => {
    expect(anyValue("x")).toEqual({ stringValue: "x" });
    expect(anyValue(3)).toEqual({ intValue: "3" });
    expect(anyValue(2.5)).toEqual({ doubleValue: 2.5 });
    expect(anyValue(false)).toEqual({ boolValue: false });
    expect(anyValue(null)).toEqual({});
    expect(anyValue(["a", 1])).toEqual({ arrayValue: { values: [{ stringValue: "a" }, { intValue: "1" }] } });
    expect(anyValue({ k: true })).toEqual({ kvlistValue: { values: [{ key: "k", value: { boolValue: true } }] } });
  });
});
