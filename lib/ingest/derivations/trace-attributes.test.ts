import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "@/db/testing/test-db";
import { traceIdToUuid } from "@/db/span-codec/ids";
import { closeIngestBed, openIngestBed, postOtlp, type IngestServer } from "../testing/fixtures";
import { encodeRequest, requestOf, type SpanSpec } from "../testing/synthetic";
import { TRACE_ATTRIBUTE_LIMITS, TraceAttributeSummary } from "./trace-attributes";

let t: TestDatabase;
let server: IngestServer;
let key: string;

beforeAll(async () => {
  ({ t, server, key } = await openIngestBed("acme"));
});
afterAll(() => closeIngestBed({ t, server }));

const now = () => BigInt(Date.now()) * 1_000_000n;

async function send(spans: SpanSpec[]) {
  const res = await postOtlp(server.endpoint, { body: encodeRequest(requestOf([{ attributes: { "service.name": "api" }, spans }])), key });
  expect(res.status).toBe(200);
}

async function summaryOf(traceId: Buffer): Promise<Record<string, unknown[]>> {
  const [row] = await t.sql<{ attributes: Record<string, unknown[]> }[]>`
    SELECT attributes FROM traces WHERE trace_id = ${traceIdToUuid(traceId.toString("hex"))}::uuid`;
  return row!.attributes;
}

describe("the per-trace attribute summary written at ingest", () => {
  it("holds each key's distinct values across the trace's spans, typed, and grows with late spans", async () => {
    const trace = randomBytes(16);
    const root = randomBytes(8);
    await send([
      { traceId: trace, spanId: root, startNs: now(), attributes: { "http.route": "/api/x", "http.response.status_code": 200, "request.id": "req-1" } },
      { traceId: trace, spanId: randomBytes(8), parentSpanId: root, startNs: now(), attributes: { "job.id": "job_1", "http.response.status_code": 503 } },
    ]);
    expect(await summaryOf(trace)).toEqual({ "http.route": ["/api/x"], "http.response.status_code": [200, 503], "job.id": ["job_1"] });

    await send([{ traceId: trace, spanId: randomBytes(8), parentSpanId: root, startNs: now(), attributes: { "job.id": "job_2", "db.query.text": "SELECT 1" } }]);
    const summary = await summaryOf(trace);
    expect(summary["job.id"]).toEqual(["job_1", "job_2"]);
    expect(summary).not.toHaveProperty("db.query.text");
    expect(summary).not.toHaveProperty("request.id");
  });

  it("caps values per key and leaves out long values; a retried export changes nothing", async () => {
    const trace = randomBytes(16);
    const spans = Array.from({ length: 30 }, (_, i) => ({
      traceId: trace, spanId: randomBytes(8), startNs: now(), attributes: { "item.id": `item_${i}`, "note": "x".repeat(TRACE_ATTRIBUTE_LIMITS.valueLength + 1) },
    }));
    await send(spans);
    const first = await summaryOf(trace);
    expect(first["item.id"]).toHaveLength(TRACE_ATTRIBUTE_LIMITS.valuesPerKey);
    expect(first).not.toHaveProperty("note");
    await send(spans);
    expect(await summaryOf(trace)).toEqual(first);
  });

  it("sends its number cells, which grow with late spans and find the trace by a number", async () => {
    const trace = randomBytes(16);
    const root = randomBytes(8);
    await send([{ traceId: trace, spanId: root, startNs: now(), attributes: { "http.response.status_code": 200, "cart.total": 12.5 } }]);
    await send([{ traceId: trace, spanId: randomBytes(8), parentSpanId: root, startNs: now(), attributes: { "cart.total": 640 } }]);
    const uuid = traceIdToUuid(trace.toString("hex"));
    const [row] = await t.sql<{ sent: string[]; recomputed: string[] }[]>`
      SELECT attribute_number_cells AS sent, trace_attribute_number_cells(attributes) AS recomputed FROM traces WHERE trace_id = ${uuid}::uuid`;
    expect([...row!.sent].sort()).toEqual([...row!.recomputed].sort());
    expect(row!.sent).toContain("cart.total\u001f+e2:64=");
    const found = await t.asReader({ all: true }, (tx) => tx<{ trace_id: string }[]>`
      SELECT trace_id::text FROM traces_matching_number('cart.total', '>', 100, NULL, '-infinity', 'infinity')`);
    expect(found.map((r) => r.trace_id)).toEqual([uuid]);
  });

  it("is built the same way in memory for the demo generator", () => {
    const s = new TraceAttributeSummary();
    s.add({ "job.id": "a", "tenant.id": "acme", code: 1 });
    s.add({ "job.id": "b", code: 1, "db.query.text": "SELECT 1" });
    expect(s.toJSON()).toEqual({ code: [1], "job.id": ["a", "b"] });
  });
});
