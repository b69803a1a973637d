import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDatabase, type TestDatabase } from "../test/database";
import { onEvent } from "./events";
import { OutboxRelay, applyOutboxSchema, emitEvent } from "./outbox";
import { refusedCounts } from "./refusals";
import { withSpan } from "./spans";
import { captureLogs, captureSpans } from "./testing/capture";

let db: TestDatabase;
let capture: Awaited<ReturnType<typeof captureSpans>>;
const logs = captureLogs();

beforeAll(async () => {
  db = await createTestDatabase();
  capture = await captureSpans({ serviceName: "outbox-test" });
});

afterAll(async () => {
  await capture?.tracing.shutdown();
  await db?.drop();
});

async function emitOne(name: string, payload: unknown): Promise<string> {
  return withSpan("business change", () => db.sql.begin((tx) => emitEvent(tx, name, payload)));
}

async function statusOf(id: string) {
  const [row] = await db.sql`SELECT status, attempts, last_error FROM outbox_events WHERE id = ${id}`;
  return row;
}

describe("outbox relay", () => {
  it("retries a failing handler with backoff, then marks the event failed, each attempt in the same trace", async () => {
    const id = await emitOne("payment.captured", { amount: 12 });
    let calls = 0;
    const relay = new OutboxRelay({
      sql: db.sql,
      logger: logs.logger,
      maxAttempts: 2,
      retryDelayMs: 1,
      handlers: {
        "payment.captured": onEvent(z.object({ amount: z.number() }), async () => {
          calls++;
          throw new Error("ledger unavailable for alice@example.com");
        }),
      },
    });
    expect(await relay.runOnce()).toEqual({ delivered: 0, retried: 1, failed: 0, refused: 0 });
    expect(await statusOf(id)).toMatchObject({ status: "pending", attempts: 1 });
    await expect.poll(async () => (await relay.runOnce()).failed).toBe(1);
    expect(calls).toBe(2);
    // The stored error is sanitized like an exported span.
    expect(await statusOf(id)).toEqual({ status: "failed", attempts: 2, last_error: "ledger unavailable for [REDACTED:email]" });

    const consumers = capture.spans().filter((s) => s.name === "process payment.captured");
    const producer = capture.spans().find((s) => s.name === "publish payment.captured");
    expect(consumers).toHaveLength(2);
    for (const span of consumers) expect(span.parentSpanContext?.spanId).toBe(producer?.spanContext().spanId);
  });

  it("fails an event nobody handles instead of dropping it silently", async () => {
    const id = await emitOne("unknown.event", {});
    const relay = new OutboxRelay({ sql: db.sql, logger: logs.logger, handlers: {} });
    expect(await relay.runOnce()).toMatchObject({ failed: 1 });
    expect(await statusOf(id)).toMatchObject({ status: "failed", last_error: "no handler registered for event unknown.event" });
  });

  it("refuses a row whose correlation ids are missing (written around the constraints) without running its handler", async () => {
    // Simulates a row written before the constraints existed, or by hand.
    await db.sql`ALTER TABLE outbox_events DROP CONSTRAINT outbox_traceparent_format, DROP CONSTRAINT outbox_request_id_format`;
    const [row] = await db.sql`
      INSERT INTO outbox_events (name, payload, traceparent, request_id)
      VALUES ('order.shipped', '{}', '00-00000000000000000000000000000000-0000000000000000-00', '') RETURNING id`;
    const before = refusedCounts().event;
    let ran = false;
    const relay = new OutboxRelay({
      sql: db.sql,
      logger: logs.logger,
      handlers: { "order.shipped": async () => void (ran = true) },
    });
    expect(await relay.runOnce()).toMatchObject({ refused: 1 });
    expect(ran).toBe(false);
    expect(refusedCounts().event).toBe(before + 1);
    const status = await statusOf(row!.id as string);
    expect(status).toMatchObject({ status: "failed", attempts: 1 });
    expect(status!.last_error).toMatch(/^event .* refused: no usable trace metadata \(trace\.traceparent: .*trace\.request_id: /);
    expect(logs.lines().find((l) => l.carrier_id === row!.id)).toMatchObject({ level: 50, carrier: "event" });
  });
});

describe("the outbox table the package ships (sql/outbox.sql)", () => {
  it("can be applied again at every start: rows and definitions stay as they are", async () => {
    const id = await emitOne("order.placed", { orderId: 1 });
    const definitions = () => db.sql`
      SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'outbox_events'::regclass ORDER BY conname`;
    const before = await definitions();
    await applyOutboxSchema(db.sql);
    await applyOutboxSchema(db.sql);
    expect(await definitions()).toEqual(before);
    expect(await statusOf(id)).toMatchObject({ status: "pending", attempts: 0 });
  });

  it("derives trace_id from the traceparent and refuses a tenant id the library would refuse", async () => {
    const [row] = await db.sql`
      INSERT INTO outbox_events (name, payload, traceparent, request_id, tenant_id)
      VALUES ('order.placed', '{}', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'req-00000001', 'acme') RETURNING trace_id`;
    expect(row).toEqual({ trace_id: "4bf92f3577b34da6a3ce929d0e0e4736" });
    await expect(db.sql`
      INSERT INTO outbox_events (name, payload, traceparent, request_id, tenant_id)
      VALUES ('order.placed', '{}', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'req-00000001', '../acme')`).rejects.toThrow(/outbox_tenant_id_format/);
  });
});
