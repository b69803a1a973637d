import http from "node:http";
import type { AddressInfo } from "node:net";
import { SpanKind } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDatabase, type TestDatabase } from "../test/database";
import { tracedQueue, type TracedQueue } from "./pg-boss";
import { onEvent } from "./events";
import { OutboxRelay, emitEvent } from "./outbox";
import { traceMiddleware } from "./node-http";
import { refusedCounts } from "./refusals";
import { captureLogs, captureSpans } from "./testing/capture";

// One HTTP request through a real pg-boss job and an outbox event to its handler, all on the
// embedded Postgres, with the spans and log lines captured as an operator would see them.

const UPSTREAM_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const UPSTREAM_SPAN = "00f067aa0ba902b7";
const CLIENT_REQUEST_ID = "client-req-20240611-0001";
// Stands in for real authentication: the bearer token decides the tenant.
const SESSIONS: Record<string, string> = { "Bearer acme-session": "acme" };

let db: TestDatabase;
let boss: PgBoss;
let queue: TracedQueue;
let relay: OutboxRelay;
let server: http.Server;
let baseUrl: string;
let capture: Awaited<ReturnType<typeof captureSpans>>;
const logs = captureLogs();
const log = logs.logger;
let delivered: (value: string) => void;
const eventHandled = new Promise<string>((resolve) => (delivered = resolve));
let invoiceAttempts = 0;
let refusedRuns = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  capture = await captureSpans({ serviceName: "flow-test" });
  await db.sql`CREATE TABLE orders (id serial PRIMARY KEY, tenant_id text NOT NULL, status text NOT NULL)`;

  boss = new PgBoss({ connectionString: db.url, max: 4, supervise: false, schedule: false });
  boss.on("error", (error) => log.error({ err: error }, "pg-boss error"));
  await boss.start();
  await boss.createQueue("invoices", { name: "invoices", retryLimit: 2, retryDelay: 0 });
  await boss.createQueue("refusals");
  queue = tracedQueue(boss, { logger: log });

  await queue.work("invoices", z.object({ orderId: z.number() }), async (payload, job) => {
    invoiceAttempts++;
    log.info({ order_id: payload.orderId, attempt: job.attempt }, "generating invoice");
    if (job.attempt === 1) throw new Error("PDF renderer timed out");
    await db.sql.begin(async (tx) => {
      await tx`UPDATE orders SET status = 'invoiced' WHERE id = ${payload.orderId}`;
      await emitEvent(tx, "invoice.created", { orderId: payload.orderId });
    });
  }, { pollingIntervalSeconds: 0.5 });
  await queue.work("refusals", z.unknown(), async () => {
    refusedRuns++;
  }, { pollingIntervalSeconds: 0.5 });

  relay = new OutboxRelay({
    sql: db.sql,
    logger: log,
    pollIntervalMs: 50,
    handlers: {
      "invoice.created": onEvent(z.object({ orderId: z.number() }), async (payload, event) => {
        log.info({ order_id: payload.orderId, event_id: event.id }, "notifying customer");
        delivered(event.id);
      }),
    },
  });
  relay.start();

  const middleware = traceMiddleware({
    route: () => "/orders",
    tenant: (req) => SESSIONS[req.headers.authorization ?? ""],
  });
  server = http.createServer((req, res) =>
    middleware(req, res, async () => {
      log.info("creating order");
      const tenantId = "acme";
      await db.sql.begin(async (tx) => {
        const [order] = await tx<{ id: number }[]>`INSERT INTO orders (tenant_id, status) VALUES (${tenantId}, 'new') RETURNING id`;
        await queue.send({ queue: "invoices", name: "invoice.generate" }, { orderId: order!.id }, { tx });
      });
      res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ accepted: true }));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await relay?.stop();
  await boss?.stop({ graceful: false, wait: true });
  await capture?.tracing.shutdown();
  await db?.drop();
});

function byName(spans: ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((s) => s.name === name);
}

function only(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = byName(spans, name);
  expect(found, `spans named ${name}`).toHaveLength(1);
  return found[0]!;
}

describe("one request through a pg-boss job and an outbox event", () => {
  it("keeps one trace id, one request id and the tenant from the request to the event handler", async () => {
    const response = await fetch(`${baseUrl}/orders`, {
      method: "POST",
      headers: {
        traceparent: `00-${UPSTREAM_TRACE}-${UPSTREAM_SPAN}-01`,
        "x-request-id": CLIENT_REQUEST_ID,
        authorization: "Bearer acme-session",
        // A client naming a tenant must not be believed.
        "x-tenant-id": "globex",
      },
    });
    expect(response.status).toBe(202);
    expect(response.headers.get("x-request-id")).toBe(CLIENT_REQUEST_ID);
    expect(response.headers.get("traceparent")).toMatch(new RegExp(`^00-${UPSTREAM_TRACE}-[0-9a-f]{16}-01$`));

    const eventId = await eventHandled;
    await capture.tracing.forceFlush();
    // The handler's own span ends just after it resolves the promise above, and the retry's
    // span when its job function returns, which can be after the relay delivered the event.
    await expect.poll(() => byName(capture.spans(), "process invoice.created").length).toBe(1);
    await expect.poll(() => byName(capture.spans(), "process invoices").length).toBe(2);
    const spans = capture.spans();

    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([UPSTREAM_TRACE]));
    for (const span of spans) {
      expect(span.attributes["request.id"], span.name).toBe(CLIENT_REQUEST_ID);
      expect(span.attributes["tenant.id"], span.name).toBe("acme");
    }

    const server = only(spans, "POST /orders");
    const send = only(spans, "send invoices");
    const attempts = byName(spans, "process invoices").sort((a, b) => Number(a.attributes["job.attempt"]) - Number(b.attributes["job.attempt"]));
    const publish = only(spans, "publish invoice.created");
    const handle = only(spans, "process invoice.created");

    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.parentSpanContext?.spanId).toBe(UPSTREAM_SPAN);
    expect(server.attributes["http.response.status_code"]).toBe(202);
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(send.parentSpanContext?.spanId).toBe(server.spanContext().spanId);

    // The failed first run and the retry both continue the producer span: a visible retry loop.
    expect(attempts.map((s) => s.attributes["job.attempt"])).toEqual([1, 2]);
    expect(invoiceAttempts).toBe(2);
    const jobId = send.attributes["job.id"];
    expect(jobId).toEqual(expect.any(String));
    for (const attempt of attempts) {
      expect(attempt.kind).toBe(SpanKind.CONSUMER);
      expect(attempt.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
      expect(attempt.attributes).toMatchObject({ "job.id": jobId, "job.name": "invoice.generate", "job.queue": "invoices" });
    }
    expect(attempts[0]!.status.message).toBe("PDF renderer timed out");

    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(publish.parentSpanContext?.spanId).toBe(attempts[1]!.spanContext().spanId);
    expect(publish.attributes).toMatchObject({ "event.id": eventId, "event.name": "invoice.created" });
    expect(handle.kind).toBe(SpanKind.CONSUMER);
    expect(handle.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
    expect(handle.attributes).toMatchObject({ "event.id": eventId, "event.name": "invoice.created" });

    const outboxRow = async () => (await db.sql`SELECT trace_id, request_id, tenant_id, status FROM outbox_events WHERE id = ${eventId}`)[0];
    await expect.poll(outboxRow).toEqual({ trace_id: UPSTREAM_TRACE, request_id: CLIENT_REQUEST_ID, tenant_id: "acme", status: "delivered" });

    // Every line written so far belongs to this flow, the library's own included.
    const flow = logs.lines();
    expect(flow.map((l) => l.msg)).toEqual(["creating order", "generating invoice", "process invoices failed", "generating invoice", "notifying customer"]);
    const spanIds = new Set(spans.map((s) => s.spanContext().spanId));
    for (const line of flow) {
      expect(line).toMatchObject({ trace_id: UPSTREAM_TRACE, request_id: CLIENT_REQUEST_ID, tenant_id: "acme" });
      expect(spanIds.has(line.span_id ?? ""), `${line.msg} names a span of the trace`).toBe(true);
    }
  });

  it("refuses, logs and counts a job enqueued without trace metadata, and never runs it", async () => {
    const before = refusedCounts().job;
    const id = await boss.send("refusals", { orderId: 7 });
    expect(id).not.toBeNull();

    await expect.poll(async () => (await boss.getJobById("refusals", id!))?.state, { timeout: 10_000 }).toBe("cancelled");
    expect(refusedRuns).toBe(0);
    expect(refusedCounts().job).toBe(before + 1);
    const line = logs.lines().find((l) => l.carrier_id === id);
    expect(line).toMatchObject({ level: 50, carrier: "job", context: "none" });
    expect(line?.msg).toMatch(/refused: no usable trace metadata \(trace: /);
  });

  it("enqueues in the caller's transaction: a rolled-back change leaves no job behind", async () => {
    let jobId: string | null = null;
    await expect(
      db.sql.begin(async (tx) => {
        jobId = await queue.send({ queue: "refusals" }, { orderId: 8 }, { tx });
        throw new Error("business rule rejected the order");
      }),
    ).rejects.toThrow("business rule rejected the order");
    expect(jobId).toEqual(expect.any(String));
    expect(await boss.getJobById("refusals", jobId!)).toBeNull();
  });

  it("refuses an outbox event without correlation ids at the database", async () => {
    await expect(
      db.sql`INSERT INTO outbox_events (name, payload, traceparent, request_id) VALUES ('invoice.created', '{}', '', '')`,
    ).rejects.toThrow(/outbox_traceparent_format|outbox_request_id_format/);
    await expect(
      db.sql`INSERT INTO outbox_events (name, payload, request_id) VALUES ('invoice.created', '{}', 'req-00000001')`,
    ).rejects.toThrow(/null value in column "traceparent"/);
  });
});
