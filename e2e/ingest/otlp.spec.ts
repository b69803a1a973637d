import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import type { Sql } from "../../db/connect";
import { bigintToSpanId, traceIdToUuid } from "../../db/span-codec/ids";
import { generateIngestKey, hashIngestKey } from "../../lib/ingest/otlp-http/key-material";
import { encodeRequest, requestOf } from "../../lib/ingest/testing/synthetic";
import { E2E_OTLP_PORT } from "../../playwright.config";
import { e2eDatabase } from "../fixtures/db";

// The OTLP endpoint of the real app (next start, demo data), driven over HTTP like an exporter.

let sql: Sql;
let key: string;

test.beforeAll(async () => {
  sql = e2eDatabase();
  key = generateIngestKey();
  await sql`INSERT INTO ingest_keys (name, prefix, key_hash, tenant_id) VALUES ('e2e exporter', ${key.slice(0, 9)}, ${hashIngestKey(key)}, 'globex')`;
});
test.afterAll(async () => {
  await sql.end();
});

test("stores a protobuf batch exactly: ids, parentage, nanosecond durations and the trace summary", async ({ request }) => {
  const traceId = randomBytes(16);
  const rootId = randomBytes(8);
  const childId = randomBytes(8);
  const start = BigInt(Date.now()) * 1_000_000n + 123n;
  const body = encodeRequest(
    requestOf([
      {
        attributes: { "service.name": "e2e-exporter" },
        spans: [
          { traceId, spanId: rootId, name: "GET /e2e", startNs: start, durationNs: 7_000_000_001n, attributes: { "request.id": "req-e2e-00000001" } },
          { traceId, spanId: childId, parentSpanId: rootId, name: "SELECT 1", startNs: start + 1_000n, durationNs: 999n, status: { code: 2, message: "boom" } },
        ],
      },
    ]),
  );
  const res = await request.post("/v1/traces", { headers: { "content-type": "application/x-protobuf", authorization: `Bearer ${key}` }, data: Buffer.from(body) });
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("application/x-protobuf");
  expect((await res.body()).length).toBe(0);

  const rows = await sql`
    SELECT tenant_id, span_id, parent_span_id, name, duration_ns, status_code, status_message, request_id, service
    FROM spans WHERE trace_id = ${traceIdToUuid(traceId.toString("hex"))}::uuid ORDER BY start_time`;
  expect(rows.map((r) => ({ ...r, span_id: bigintToSpanId(r.span_id), parent_span_id: r.parent_span_id && bigintToSpanId(r.parent_span_id) }))).toEqual([
    { tenant_id: "globex", span_id: rootId.toString("hex"), parent_span_id: null, name: "GET /e2e", duration_ns: 7_000_000_001n, status_code: 0, status_message: null, request_id: "req-e2e-00000001", service: "e2e-exporter" },
    { tenant_id: "globex", span_id: childId.toString("hex"), parent_span_id: rootId.toString("hex"), name: "SELECT 1", duration_ns: 999n, status_code: 2, status_message: "boom", request_id: null, service: "e2e-exporter" },
  ]);
  const [summary] = await sql`SELECT span_count, error_count, has_error, is_slow, root_name FROM traces WHERE trace_id = ${traceIdToUuid(traceId.toString("hex"))}::uuid`;
  // globex's slow threshold is 2 s; the root took 7.
  expect(summary).toEqual({ span_count: 2, error_count: 1, has_error: true, is_slow: true, root_name: "GET /e2e" });
});

test("answers JSON in JSON, refuses another tenant's spans in partial_success", async ({ request }) => {
  const res = await request.post("/v1/traces", {
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    data: {
      resourceSpans: [
        {
          resource: { attributes: [{ key: "tenant.id", value: { stringValue: "acme" } }] },
          scopeSpans: [{ spans: [{ traceId: randomBytes(16).toString("hex"), spanId: randomBytes(8).toString("hex"), name: "x", startTimeUnixNano: String(Date.now() * 1e6), endTimeUnixNano: String(Date.now() * 1e6) }] }],
        },
      ],
    },
  });
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({
    partialSuccess: { rejectedSpans: "1", errorMessage: "Refused 1 of 1 spans: 1 with a tenant other than the one the key is scoped to (isolation violation)." },
  });
});

test("refuses a missing key, an unsupported media type and other methods", async ({ request }) => {
  const anonymous = await request.post("/v1/traces", { headers: { "content-type": "application/json" }, data: "{}" });
  expect(anonymous.status()).toBe(401);
  expect(await anonymous.json()).toMatchObject({ code: 16 });

  const text = await request.post("/v1/traces", { headers: { "content-type": "text/plain", authorization: `Bearer ${key}` }, data: "hello" });
  expect(text.status()).toBe(415);

  const get = await request.get("/v1/traces");
  expect(get.status()).toBe(405);
  expect(get.headers()["allow"]).toBe("POST");
});

test("the OTLP port (INGEST_OTLP_PORT) takes what an exporter sends to its base endpoint, and serves nothing else", async ({ request }) => {
  const traceId = randomBytes(16);
  const spanId = randomBytes(8);
  const body = encodeRequest(
    requestOf([{ attributes: { "service.name": "e2e-collector" }, spans: [{ traceId, spanId, name: "GET /port", startNs: BigInt(Date.now()) * 1_000_000n, durationNs: 5_000_000n }] }]),
  );
  const otlp = `http://127.0.0.1:${E2E_OTLP_PORT}`;
  const res = await request.post(`${otlp}/v1/traces`, { headers: { "content-type": "application/x-protobuf", authorization: `Bearer ${key}` }, data: Buffer.from(body) });
  expect(res.status()).toBe(200);
  const rows = await sql`SELECT tenant_id, name, service FROM spans WHERE trace_id = ${traceIdToUuid(traceId.toString("hex"))}::uuid`;
  expect(rows).toEqual([{ tenant_id: "globex", name: "GET /port", service: "e2e-collector" }]);

  // The dashboard is not on this port, and the same key check applies.
  expect((await request.get(`${otlp}/traces`)).status()).toBe(404);
  expect((await request.get(`${otlp}/v1/traces`)).status()).toBe(405);
  expect((await request.post(`${otlp}/v1/traces`, { headers: { "content-type": "application/x-protobuf" }, data: Buffer.from(body) })).status()).toBe(401);
});
