import { randomBytes } from "node:crypto";
import { initTracing, type TracingHandle } from "@trace-explorer/tracing";
import { captureLogs } from "@trace-explorer/tracing/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect } from "@/db/connect";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { keyFor, seedTenant, startIngestServer, type IngestServer } from "@/lib/ingest/testing/fixtures";
import { tenantFilter } from "@/lib/investigate/tenant-filter";
import { findLineage } from "@/lib/traces/lineage";
import { startOrdersService, type OrdersService } from "./src/service";

// The example service as a platform team would run it, against the explorer's real ingest
// handler: one POST /orders must arrive as ONE trace whose lineage shows the request, the
// pg-boss job it enqueued and the outbox event the job emitted, with its handler.

let explorer: TestDatabase;
let ingest: IngestServer;
let tracing: TracingHandle;
let service: OrdersService;
// The service's own database: blank, so it needs nothing of the explorer's schema.
const serviceDb = `orders_${randomBytes(6).toString("hex")}`;
const logs = captureLogs();

beforeAll(async () => {
  explorer = await createTestDatabase();
  await seedTenant(explorer.sql, "acme");
  ingest = await startIngestServer(explorer);
  tracing = await initTracing({
    serviceName: "orders-service",
    exportUrl: ingest.endpoint,
    exportHeaders: { authorization: `Bearer ${await keyFor(explorer, "acme")}` },
  });
  const admin = connect(inject("pgAdminUrl"), { max: 1 });
  await admin.unsafe(`CREATE DATABASE "${serviceDb}" TEMPLATE template0`);
  await admin.end();
  service = await startOrdersService({
    databaseUrl: inject("pgAdminUrl").replace(/\/postgres$/, `/${serviceDb}`),
    port: 0,
    sessions: { "Bearer demo-acme": "acme" },
    logger: logs.logger,
  });
});

afterAll(async () => {
  await service?.stop();
  await tracing?.shutdown();
  await ingest?.close();
  await explorer?.drop();
  const admin = connect(inject("pgAdminUrl"), { max: 1 });
  await admin.unsafe(`DROP DATABASE IF EXISTS "${serviceDb}" WITH (FORCE)`);
  await admin.end();
});

describe("examples/orders-service exporting to the explorer", () => {
  it("stores one request as one trace whose lineage is request → job → event, with its handler", async () => {
    const response = await fetch(`${service.url}/orders`, {
      method: "POST",
      headers: { authorization: "Bearer demo-acme", "content-type": "application/json" },
      body: JSON.stringify({ item: "blue widget", quantity: 2 }),
    });
    expect(response.status).toBe(202);
    const requestId = response.headers.get("x-request-id")!;
    const traceId = response.headers.get("traceparent")!.split("-")[1]!;

    // Done when the event handler's span has reached the explorer.
    await expect
      .poll(
        async () => {
          await tracing.forceFlush();
          const [row] = await explorer.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM spans WHERE name = 'process invoice.created'`;
          return row!.n;
        },
        { timeout: 20_000, interval: 200 },
      )
      .toBe(1);

    const traces = await explorer.sql<{ tenant_id: string; trace_id: string; request_id: string }[]>`
      SELECT tenant_id, replace(trace_id::text, '-', '') AS trace_id, request_id FROM traces`;
    expect(traces).toEqual([{ tenant_id: "acme", trace_id: traceId, request_id: requestId }]);

    const scope = { all: false as const, tenantIds: ["acme"] };
    const window = { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000) };
    const lineage = await explorer.asReader(scope, (tx) => findLineage(tx, tenantFilter(scope, []), window, requestId));
    expect(lineage).toHaveLength(1);
    const [request, job, event, ...rest] = lineage[0]!.nodes;
    expect(rest).toEqual([]);
    expect(request).toMatchObject({ kind: "request", id: requestId, name: "POST /orders", service: "orders-service", depth: 0, parent: null });
    expect(job).toMatchObject({ kind: "job", queue: "invoices", name: "invoice.render", outcome: "succeeded", attempts: 1, depth: 1, parent: `request:${requestId}` });
    expect(event).toMatchObject({ kind: "event", name: "invoice.created", depth: 2, parent: `job:${job!.id}` });
    expect(event!.handlers).toEqual([expect.objectContaining({ service: "orders-service", failed: false })]);

    // The service's own log lines of the flow carry the same ids.
    const flow = logs.lines().filter((l) => ["creating order", "rendering invoice", "invoice e-mailed"].includes(l.msg));
    expect(flow.map((l) => l.msg)).toEqual(["creating order", "rendering invoice", "invoice e-mailed"]);
    for (const line of flow) expect(line).toMatchObject({ trace_id: traceId, request_id: requestId, tenant_id: "acme" });
  });
});
