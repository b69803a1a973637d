import { context, trace } from "@opentelemetry/api";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { defaultIngestConfig } from "./otlp-http/config";
import { createIngestHandler } from "./signals";
import { serveHandler, type RunningServer } from "./otlp-http/node-server";
import { keyFor, postOtlp, seedTenant, storedCounts, testTracing } from "./testing/fixtures";

let t: TestDatabase;
let listener: RunningServer;
let key: string;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenant(t.sql, "acme");
  key = await keyFor(t, "acme");
  const handler = createIngestHandler({ sql: t.sql, config: { ...defaultIngestConfig, keyCacheMs: 0 }, log: { warn: () => {}, error: () => {} } });
  listener = await serveHandler(handler, 0, "127.0.0.1");
});
afterAll(async () => {
  await listener.close();
  await t.drop();
});

it("takes what an OpenTelemetry SDK exports to its base endpoint (…/v1/traces) and stores it", async () => {
  const tracing = testTracing({ endpoint: `${listener.url}/v1/traces`, key, kind: "proto" });
  const root = tracing.tracer.startSpan("GET /orders");
  tracing.tracer.startSpan("SELECT orders", {}, trace.setSpan(context.active(), root)).end();
  root.end();
  await tracing.flush();
  await tracing.shutdown();
  const spans = await t.sql<{ name: string; parent: boolean }[]>`
    SELECT name, parent_span_id IS NOT NULL AS parent FROM spans WHERE trace_id = ${root.spanContext().traceId}::uuid ORDER BY name`;
  expect(spans).toEqual([{ name: "GET /orders", parent: false }, { name: "SELECT orders", parent: true }]);
});

it("answers 405 with Allow for other methods on /v1/traces and 404 elsewhere, storing nothing", async () => {
  const before = await storedCounts(t.sql);
  const get = await fetch(`${listener.url}/v1/traces`);
  expect(get.status).toBe(405);
  expect(get.headers.get("allow")).toBe("POST");
  const elsewhere = await postOtlp(`${listener.url}/v1/metrics`, { body: new Uint8Array(), key });
  expect(elsewhere.status).toBe(404);
  expect(JSON.parse(elsewhere.body.toString())).toMatchObject({ message: expect.stringContaining("POST /v1/traces") });
  expect(await storedCounts(t.sql)).toEqual(before);
});

it("serves POST /v1/logs with the same handler: log records are stored", async () => {
  const body = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: String(BigInt(Date.now()) * 1_000_000n), body: { stringValue: "on the OTLP port" } }] }] }] });
  const res = await postOtlp(`${listener.url}/v1/logs`, { body, key, contentType: "application/json" });
  expect(res.status).toBe(200);
  expect(await t.sql`SELECT body FROM log_records`).toEqual([{ body: "on the OTLP port" }]);
});

it("applies the same key check as the app's route", async () => {
  const res = await postOtlp(`${listener.url}/v1/traces`, { body: new Uint8Array(), key: "te_not-a-key" });
  expect(res.status).toBe(401);
  expect(res.headers.get("www-authenticate")).toContain("Bearer");
});
