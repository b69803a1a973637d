import http from "node:http";
import type { AddressInfo } from "node:net";
import { SpanKind } from "@opentelemetry/api";
import { getCorrelation, onEvent, withSpan } from "@trace-explorer/tracing";
import { logger as defaultLogger, type Logger } from "@trace-explorer/tracing/logger";
import { traceMiddleware } from "@trace-explorer/tracing/node-http";
import { OutboxRelay, applyOutboxSchema, emitEvent } from "@trace-explorer/tracing/outbox";
import { tracedQueue } from "@trace-explorer/tracing/pg-boss";
import PgBoss from "pg-boss";
import postgres from "postgres";
import { z } from "zod";

// An orders service instrumented only through the tracing library's public entry points:
//
//   POST /orders ─(same transaction)→ pg-boss job "invoices" → worker renders the invoice
//     ─(same transaction)→ outbox event "invoice.created" → relay → handler e-mails it
//
// Every hop continues the request's trace, request id and tenant. Tracing itself is set up by
// the caller (main.ts: initTracing), so tests can point it elsewhere.

export const INVOICES_QUEUE = "invoices";

export interface OrdersServiceOptions {
  databaseUrl: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /**
   * Stands in for your authentication: bearer token → tenant. The tenant comes from the
   * session, never from a header the client names.
   */
  sessions: Readonly<Record<string, string>>;
  logger?: Logger;
}

// How often the worker and the relay look for work (pg-boss polls at most every 0.5 s).
const POLL_SECONDS = 0.5;

export interface OrdersService {
  url: string;
  stop: () => Promise<void>;
}

const orderInput = z.object({ item: z.string().min(1).max(200), quantity: z.number().int().positive().max(1000) });
const invoiceJob = z.object({ orderId: z.number().int() });
const invoiceCreated = z.object({ orderId: z.number().int(), email: z.string() });

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      try {
        resolve(chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined);
      } catch (error) {
        reject(error);
      }
    });
    req.on("error", reject);
  });
}

function answer(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

export async function startOrdersService(options: OrdersServiceOptions): Promise<OrdersService> {
  const log = options.logger ?? defaultLogger;
  const sql = postgres(options.databaseUrl, { max: 4, onnotice: () => {} });
  await applyOutboxSchema(sql);
  await sql`CREATE SCHEMA IF NOT EXISTS orders_service`;
  await sql`CREATE TABLE IF NOT EXISTS orders_service.orders (
    id serial PRIMARY KEY, tenant_id text NOT NULL, item text NOT NULL, quantity int NOT NULL, status text NOT NULL)`;

  const boss = new PgBoss({ connectionString: options.databaseUrl, max: 4, application_name: "orders-service" });
  boss.on("error", (error) => log.error({ err: error }, "pg-boss error"));
  await boss.start();
  await boss.createQueue(INVOICES_QUEUE, { name: INVOICES_QUEUE, retryLimit: 2, retryDelay: 1 });
  const queue = tracedQueue(boss, { logger: log });

  // The worker continues the request's trace; a job without trace metadata is refused.
  await queue.work(
    INVOICES_QUEUE,
    invoiceJob,
    async ({ orderId }, job) => {
      log.info({ order_id: orderId, attempt: job.attempt }, "rendering invoice");
      await withSpan("render invoice pdf", () => new Promise((resolve) => setTimeout(resolve, 20)));
      await sql.begin(async (tx) => {
        const [order] = await tx<{ tenant_id: string }[]>`
          UPDATE orders_service.orders SET status = 'invoiced' WHERE id = ${orderId} RETURNING tenant_id`;
        await emitEvent(tx, "invoice.created", { orderId, email: `billing@${order!.tenant_id}.example` });
      });
    },
    { pollingIntervalSeconds: POLL_SECONDS },
  );

  // The relay delivers outbox events; each handler runs in the same trace.
  const relay = new OutboxRelay({
    sql,
    logger: log,
    pollIntervalMs: POLL_SECONDS * 1000,
    handlers: {
      "invoice.created": onEvent(invoiceCreated, async ({ orderId, email }) => {
        // The address is recorded on purpose: the library's sanitizer masks it before export.
        await withSpan("send invoice email", () => new Promise((resolve) => setTimeout(resolve, 10)), {
          kind: SpanKind.CLIENT,
          attributes: { "email.to": email },
        });
        log.info({ order_id: orderId }, "invoice e-mailed");
      }),
    },
  });
  relay.start();

  const traced = traceMiddleware({
    route: () => "/orders",
    tenant: (req) => options.sessions[req.headers.authorization ?? ""],
  });
  const server = http.createServer((req, res) => {
    if (req.method !== "POST" || (req.url ?? "").split("?", 1)[0] !== "/orders") return answer(res, 404, { error: "POST /orders only" });
    traced(req, res, async () => {
      try {
        // The tenant the middleware bound from the session.
        const { tenantId } = getCorrelation();
        if (!tenantId) return answer(res, 401, { error: "unknown session" });
        const input = orderInput.safeParse(await readJson(req).catch(() => undefined));
        if (!input.success) return answer(res, 400, { error: "expected { item, quantity }" });
        log.info({ item: input.data.item }, "creating order"); // carries trace_id, span_id, request_id, tenant_id
        const orderId = await sql.begin(async (tx) => {
          const [order] = await tx<{ id: number }[]>`
            INSERT INTO orders_service.orders (tenant_id, item, quantity, status)
            VALUES (${tenantId}, ${input.data.item}, ${input.data.quantity}, 'new') RETURNING id`;
          // Enqueued in the same transaction: the job exists exactly when the order does.
          await queue.send({ queue: INVOICES_QUEUE, name: "invoice.render" }, { orderId: order!.id }, { tx });
          return order!.id;
        });
        answer(res, 202, { orderId }); // the response carries x-request-id and traceparent
      } catch (error) {
        log.error({ err: error }, "creating order failed");
        answer(res, 500, { error: "internal error" });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    stop: async () => {
      await new Promise((resolve) => server.close(resolve));
      await relay.stop();
      await boss.stop({ graceful: true, wait: true });
      await sql.end({ timeout: 5 });
    },
  };
}
