import { fork, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { SpanKind } from "@opentelemetry/api";
import PgBoss from "pg-boss";
import pino from "pino";
import { z } from "zod";
import { connect, type Sql } from "../db/connect";
import { getCorrelation, initTracing, onEvent, outgoingHeaders, withSpan, type TracingHandle } from "@trace-explorer/tracing";
import { createLogger } from "@trace-explorer/tracing/logger";
import { traceMiddleware } from "@trace-explorer/tracing/node-http";
import { OutboxRelay, emitEvent } from "@trace-explorer/tracing/outbox";
import { tracedQueue } from "@trace-explorer/tracing/pg-boss";
import { cliDatabaseUrl } from "./startup/cli-database";

// `npm run simulate`: a small platform whose services talk through HTTP, a pg-boss queue and
// the outbox, instrumented only through @trace-explorer/tracing and exporting OTLP to the explorer:
//
//   gateway (this process, load) ─HTTP→ api ─pg-boss "billing"→ billing ─outbox→ notifier
//
// Each service is a process of its own, with its own service.name, so traces cross real
// process boundaries. Tenants, retries, failures, slow paths, low-priority and security
// requests are mixed in. The services log through the library's logger, which ships every
// line as an OTLP log record beside the spans (requests, job attempts and their retries, event
// handlers, and an error line in each span that fails).

const usage = `Usage: npm run simulate -- [--endpoint URL] [--logs-endpoint URL] [--ingest-key KEY] [--requests N | --duration SECONDS] [--concurrency N]
  --endpoint     OTLP/HTTP traces endpoint (env OTLP_ENDPOINT; default http://localhost:3000/v1/traces)
  --logs-endpoint  OTLP/HTTP logs endpoint (default: /v1/logs beside a --endpoint ending in /v1/traces; "none": no log export)
  --ingest-key   sent as "Authorization: Bearer <key>" (env INGEST_KEY)
  --requests     how many requests the gateway sends (default 60)
  --duration     send for this many seconds instead
  --concurrency  requests in flight at once (default 4)
Database: DATABASE_URL, or the URL in .data/database-url written by npm start.`;

const { values: args } = parseArgs({
  options: {
    endpoint: { type: "string" },
    "logs-endpoint": { type: "string" },
    "ingest-key": { type: "string" },
    requests: { type: "string" },
    duration: { type: "string" },
    concurrency: { type: "string" },
    role: { type: "string" },
    help: { type: "boolean" },
  },
});

const options = z
  .object({
    endpoint: z.url(),
    logsEndpoint: z.union([z.url(), z.literal("none")]).optional(),
    ingestKey: z.string().min(1).optional(),
    requests: z.coerce.number().int().positive().optional(),
    duration: z.coerce.number().positive().optional(),
    concurrency: z.coerce.number().int().min(1).max(64),
    role: z.enum(["gateway", "api", "billing", "notifier"]),
  })
  .parse({
    endpoint: args.endpoint ?? process.env.OTLP_ENDPOINT ?? "http://localhost:3000/v1/traces",
    logsEndpoint: args["logs-endpoint"],
    ingestKey: args["ingest-key"] ?? process.env.INGEST_KEY,
    requests: args.requests,
    duration: args.duration,
    concurrency: args.concurrency ?? "4",
    role: args.role ?? "gateway",
  });

const TENANTS = ["acme", "acme", "acme", "globex", "globex", "initech", "umbrella"];
const QUEUE = "billing";
// pg-boss retries a failed invoice job this many times: three attempts in all.
const RETRY_LIMIT = 2;
const scenarioSchema = z.enum(["ok", "retry", "fail", "slow", "api-error"]);
type Scenario = z.infer<typeof scenarioSchema>;
// The services' info lines and up are exported as log records; the terminal shows their JSON
// lines (with their trace ids) from LOG_LEVEL up, warn by default (LOG_LEVEL=info shows them all).
const terminalLevel = z.enum(["fatal", "error", "warn", "info", "debug"]).catch("warn").parse(process.env.LOG_LEVEL);
const log = createLogger({
  name: `sim-${options.role}`,
  level: terminalLevel === "debug" ? "debug" : "info",
  destination: pino.multistream([{ level: terminalLevel, stream: process.stdout }]),
});

const logsEndpoint =
  options.logsEndpoint === "none"
    ? undefined
    : (options.logsEndpoint ?? (/\/v1\/traces\/?$/.test(options.endpoint) ? options.endpoint.replace(/\/v1\/traces\/?$/, "/v1/logs") : undefined));


function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

function startTracing(service: string): Promise<TracingHandle> {
  return initTracing({
    serviceName: service,
    serviceVersion: "1.0.0",
    exportUrl: options.endpoint,
    ...(options.ingestKey ? { exportHeaders: { authorization: `Bearer ${options.ingestKey}` } } : {}),
    sampling: { lowPriorityRatio: 0.25, slowThresholdMs: 1500 },
    ...(logsEndpoint ? { logs: { exportUrl: logsEndpoint } } : {}),
  });
}

function newBoss(url: string): PgBoss {
  const boss = new PgBoss({ connectionString: url, max: 4, application_name: `sim-${options.role}` });
  boss.on("error", (error) => log.error({ err: error }, "pg-boss error"));
  return boss;
}

/** A child process's life: start, say ready, stop cleanly when the gateway says so. */
function serve(start: () => Promise<{ port?: number; stop: () => Promise<void> }>, tracing: TracingHandle): void {
  start().then(
    ({ port, stop }) => {
      process.send?.({ type: "ready", port });
      process.on("message", (message: { type?: string }) => {
        if (message.type !== "stop") return;
        stop()
          .then(() => tracing.shutdown())
          .then(() => process.exit(0));
      });
    },
    (error: unknown) => {
      log.error({ err: error }, "service failed to start");
      process.exit(1);
    },
  );
}

// --- api: the web layer ---------------------------------------------------------------------

const SESSIONS: Record<string, string> = Object.fromEntries(TENANTS.map((t) => [`Bearer sim-session-${t}`, t]));

async function api(): Promise<{ port: number; stop: () => Promise<void> }> {
  const sql = connect(cliDatabaseUrl(), { max: 4, applicationName: "sim-api" });
  const boss = newBoss(cliDatabaseUrl());
  await boss.start();
  const queue = tracedQueue(boss, { logger: log });
  const checkout = z.object({ scenario: scenarioSchema, email: z.string() });

  const routes: Record<string, { priority?: "low"; security?: boolean; handle: (body: unknown) => Promise<number> }> = {
    "POST /checkout": {
      handle: async (body) => {
        const input = checkout.parse(body);
        const tenant = getCorrelation().tenantId!;
        log.info({ scenario: input.scenario }, "checkout received");
        if (input.scenario === "api-error") throw new Error("payment provider unavailable");
        await withSpan("reserve stock", () => sleep(5 + Math.random() * 20));
        await sql.begin(async (tx) => {
          const [order] = await tx<{ id: number }[]>`
            INSERT INTO simulator.orders (tenant_id, status) VALUES (${tenant}, 'new') RETURNING id`;
          await queue.send({ queue: QUEUE, name: "invoice.generate" }, { orderId: order!.id, ...input }, { tx, retryLimit: RETRY_LIMIT, retryDelay: 1 });
          log.info({ order_id: order!.id }, "order created; invoice queued");
        });
        return 202;
      },
    },
    "GET /search": {
      priority: "low",
      handle: async () => {
        const hits = await withSpan("search index", async () => {
          await sleep(2 + Math.random() * 10);
          return Math.floor(Math.random() * 40);
        });
        log.debug({ hits }, "search served");
        return 200;
      },
    },
    "POST /login": {
      security: true,
      handle: async () => {
        await withSpan("verify password", () => sleep(30 + Math.random() * 30), { security: true });
        log.info("signed in");
        return 204;
      },
    },
  };

  const traced = Object.fromEntries(
    Object.entries(routes).map(([key, route]) => [
      key,
      traceMiddleware({
        route: () => key.split(" ")[1]!,
        priority: route.priority,
        security: route.security,
        // Stands in for a session lookup: the tenant comes from the authenticated session.
        tenant: (r) => SESSIONS[r.headers.authorization ?? ""],
      }),
    ]),
  );

  const server = http.createServer((req, res) => {
    const key = `${req.method} ${(req.url ?? "/").split("?")[0]}`;
    const route = routes[key];
    const middleware = traced[key];
    if (!route || !middleware) return void res.writeHead(404).end();
    middleware(req, res, () => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
        route.handle(body).then(
          (status) => res.writeHead(status).end(),
          (error: unknown) => {
            log.error({ err: error }, "request failed");
            res.writeHead(500).end();
          },
        );
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: async () => {
      await new Promise((resolve) => server.close(resolve));
      await boss.stop({ graceful: true, wait: true });
      await sql.end({ timeout: 5 });
    },
  };
}

// --- billing: the background worker -----------------------------------------------------------

async function billing(): Promise<{ stop: () => Promise<void> }> {
  const sql = connect(cliDatabaseUrl(), { max: 4, applicationName: "sim-billing" });
  const boss = newBoss(cliDatabaseUrl());
  await boss.start();
  const queue = tracedQueue(boss, { logger: log });
  const invoice = z.object({ orderId: z.number(), scenario: scenarioSchema, email: z.string() });
  await queue.work(
    QUEUE,
    invoice,
    async (job, info) => {
      log.info({ order_id: job.orderId, attempt: info.attempt }, info.attempt > 1 ? "generating invoice (retry)" : "generating invoice");
      await withSpan("render invoice pdf", async () => {
        await sleep(job.scenario === "slow" ? 1800 : 20 + Math.random() * 60);
        if (job.scenario === "fail" || (job.scenario === "retry" && info.attempt === 1)) {
          const err = new Error("PDF renderer timed out");
          // Logged in the span that fails, so the explorer shows the line on it.
          if (info.attempt <= RETRY_LIMIT) log.warn({ err, order_id: job.orderId, attempt: info.attempt }, "invoice rendering failed; the job will be retried");
          else log.error({ err, order_id: job.orderId, attempt: info.attempt }, "invoice rendering failed for good");
          throw err;
        }
      });
      if (job.scenario === "slow") log.warn({ order_id: job.orderId }, "invoice rendering was slow");
      await sql.begin(async (tx) => {
        await tx`UPDATE simulator.orders SET status = 'invoiced' WHERE id = ${job.orderId}`;
        await emitEvent(tx, "invoice.created", { orderId: job.orderId, email: job.email });
      });
      log.info({ order_id: job.orderId }, "invoice generated; invoice.created emitted");
    },
    { pollingIntervalSeconds: 0.5 },
  );
  return {
    stop: async () => {
      await boss.stop({ graceful: true, wait: true });
      await sql.end({ timeout: 5 });
    },
  };
}

// --- notifier: outbox relay and event handlers -------------------------------------------------

async function notifier(): Promise<{ stop: () => Promise<void> }> {
  const sql = connect(cliDatabaseUrl(), { max: 4, applicationName: "sim-notifier" });
  const relay = new OutboxRelay({
    sql,
    logger: log,
    pollIntervalMs: 200,
    retryDelayMs: 300,
    handlers: {
      "invoice.created": onEvent(z.object({ orderId: z.number(), email: z.string() }), async (event, info) => {
        // The address is recorded on purpose: the sanitizer masks it before export.
        log.info({ order_id: event.orderId, attempt: info.attempt, to: event.email }, "e-mailing invoice");
        await withSpan("send invoice email", async () => {
          await sleep(10 + Math.random() * 30);
          if (info.attempt === 1 && Math.random() < 0.05) {
            const err = new Error("SMTP 421 try again later");
            log.warn({ err, order_id: event.orderId }, "invoice e-mail deferred; the relay will retry");
            throw err;
          }
        }, { kind: SpanKind.CLIENT, attributes: { "email.to": event.email } });
        log.info({ order_id: event.orderId }, "invoice e-mailed");
      }),
    },
  });
  relay.start();
  return { stop: () => relay.stop().then(() => sql.end({ timeout: 5 })) };
}

// --- gateway: orchestration and load --------------------------------------------------------

function spawnService(role: "api" | "billing" | "notifier"): Promise<{ child: ChildProcess; port?: number }> {
  const child = fork(fileURLToPath(import.meta.url), [...process.argv.slice(2), "--role", role], {
    execArgv: process.execArgv,
    env: { ...process.env, DATABASE_URL: cliDatabaseUrl() },
  });
  return new Promise((resolve, reject) => {
    child.once("message", (message: { type?: string; port?: number }) => resolve({ child, port: message.port }));
    child.once("exit", (code) => reject(new Error(`${role} exited early with code ${code}`)));
  });
}

async function prepareDatabase(sql: Sql): Promise<void> {
  const [outbox] = await sql`SELECT to_regclass('public.outbox_events') AS t`;
  if (!outbox?.t) throw new Error("The database has no outbox_events table: run `npm run db:migrate` (or `npm start`) first.");
  await sql`CREATE SCHEMA IF NOT EXISTS simulator`;
  await sql`CREATE TABLE IF NOT EXISTS simulator.orders (id serial PRIMARY KEY, tenant_id text NOT NULL, status text NOT NULL)`;
}

function chooseRequest(): { method: string; route: string; scenario?: Scenario } {
  const roll = Math.random();
  if (roll < 0.15) return { method: "GET", route: "/search" };
  if (roll < 0.25) return { method: "POST", route: "/login" };
  const s = Math.random();
  const scenario: Scenario = s < 0.68 ? "ok" : s < 0.8 ? "retry" : s < 0.85 ? "fail" : s < 0.96 ? "slow" : "api-error";
  return { method: "POST", route: "/checkout", scenario };
}

async function gateway(): Promise<void> {
  const url = cliDatabaseUrl();
  const sql = connect(url, { max: 2, applicationName: "sim-gateway" });
  await prepareDatabase(sql);
  const boss = newBoss(url);
  await boss.start();
  await boss.createQueue(QUEUE);

  const tracing = await startTracing("sim-gateway");
  const reachable = await fetch(options.endpoint, { method: "POST" }).then(
    () => true,
    () => false,
  );
  if (!reachable) console.warn(`warning: ${options.endpoint} does not answer; spans will be dropped.`);

  const services = await Promise.all([spawnService("api"), spawnService("billing"), spawnService("notifier")]);
  const apiUrl = `http://127.0.0.1:${services[0].port}`;
  console.log(`services up; exporting spans to ${options.endpoint}${logsEndpoint ? ` and logs to ${logsEndpoint}` : ""}`);

  const outcomes = new Map<string, number>();
  const examples = new Map<string, string>();
  const deadline = options.duration ? Date.now() + options.duration * 1000 : Infinity;
  const total = options.duration ? Infinity : (options.requests ?? 60);
  let sent = 0;

  const one = async () => {
    const tenant = pick(TENANTS);
    const { method, route, scenario } = chooseRequest();
    const label = scenario ? `${route} ${scenario}` : route;
    await withSpan(`${method} ${route}`, async (span) => {
      span.setAttribute("tenant.id", tenant);
      const res = await fetch(`${apiUrl}${route}${method === "GET" ? "?q=blue+widgets" : ""}`, {
        method,
        headers: { ...outgoingHeaders(), authorization: `Bearer sim-session-${tenant}`, "content-type": "application/json" },
        body: method === "POST" ? JSON.stringify({ scenario, email: `buyer${sent}@${tenant}.example` }) : undefined,
      });
      await res.arrayBuffer();
      if (res.status >= 500) log.error({ status: res.status, route }, "api answered with a server error");
      const key = `${label} → ${res.status}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      if (!examples.has(label)) examples.set(label, span.spanContext().traceId);
    }, { kind: SpanKind.CLIENT });
  };

  const lanes = Array.from({ length: options.concurrency }, async () => {
    while (sent < total && Date.now() < deadline) {
      sent++;
      await one().catch((error: unknown) => log.error({ err: error }, "request failed at the gateway"));
      await sleep(Math.random() * 50);
    }
  });
  await Promise.all(lanes);

  console.log(`sent ${sent} requests; waiting for jobs and events to drain...`);
  const drainBy = Date.now() + 60_000;
  while (Date.now() < drainBy) {
    const queued = await boss.getQueueSize(QUEUE, { before: "completed" });
    const [pending] = await sql`SELECT count(*)::int AS n FROM outbox_events WHERE status = 'pending'`;
    if (queued === 0 && pending?.n === 0) break;
    await sleep(500);
  }

  for (const { child } of services) child.send({ type: "stop" });
  await Promise.all(services.map(({ child }) => new Promise((resolve) => child.once("exit", resolve))));
  await tracing.shutdown();
  const logStats = tracing.logExportStats();
  if (logStats && logStats.failed + logStats.dropped > 0) {
    console.warn(`warning: ${logStats.failed + logStats.dropped} of the gateway's log records were not delivered (does ${logsEndpoint} answer?)`);
  }
  await boss.stop({ graceful: true, wait: true });
  await sql.end({ timeout: 5 });

  console.log("\noutcomes:");
  for (const [key, n] of [...outcomes].sort()) console.log(`  ${String(n).padStart(4)}  ${key}`);
  console.log("\none trace of each kind:");
  for (const [label, traceId] of examples) console.log(`  ${label.padEnd(22)} /traces/${traceId}`);
}

async function main(): Promise<void> {
  if (args.help) {
    console.log(usage);
    return;
  }
  switch (options.role) {
    case "gateway":
      return gateway();
    case "api":
      return serve(api, await startTracing("sim-api"));
    case "billing":
      return serve(billing, await startTracing("sim-billing"));
    case "notifier":
      return serve(notifier, await startTracing("sim-notifier"));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
