import type postgres from "postgres";
import type { LogSink } from "./log-sink";
import { MissingTraceContextError } from "./errors";
import { emitTraced, runTracedEvent, type EventHandler } from "./events";
import { logger as defaultLogger } from "./logger";
import { sanitizeString } from "./sanitize";

export { applyOutboxSchema, outboxSchemaSql } from "./outbox-schema";

const SYSTEM = "outbox";

/**
 * Writes an integration event to the outbox in `tx`, the transaction making the business change,
 * so the event exists exactly when the change does. The row carries the trace context of a
 * producer span, the request id and the active tenant. Returns the event id.
 */
export function emitEvent(tx: postgres.TransactionSql, name: string, payload: unknown): Promise<string> {
  return emitTraced(SYSTEM, name, async (id, metadata) => {
    // Sent as text and cast in SQL: a jsonb parameter would be encoded by the client's jsonb
    // serializer, which drizzle replaces on clients it shares.
    await tx`
      INSERT INTO outbox_events (id, name, tenant_id, payload, traceparent, tracestate, request_id)
      VALUES (${id}, ${name}, ${metadata.tenant_id}, ${JSON.stringify(payload ?? null)}::text::jsonb,
              ${metadata.traceparent}, ${metadata.tracestate ?? null}, ${metadata.request_id})`;
  });
}

export interface OutboxRelayOptions {
  sql: postgres.Sql;
  /** One handler per event name. */
  handlers: Readonly<Record<string, EventHandler>>;
  batchSize?: number;
  /** Deliveries tried before an event is marked failed. */
  maxAttempts?: number;
  /** First retry delay; doubled on each later attempt. */
  retryDelayMs?: number;
  pollIntervalMs?: number;
  logger?: LogSink;
}

export interface RelayRound {
  delivered: number;
  retried: number;
  failed: number;
  refused: number;
}

interface OutboxRow {
  id: string;
  name: string;
  tenant_id: string | null;
  payload: unknown;
  traceparent: string | null;
  tracestate: string | null;
  request_id: string | null;
  attempts: number;
}

/**
 * Delivers pending outbox events to their handlers, each in a consumer span continuing the
 * trace that emitted it. At-least-once: a handler may see an event again after a crash, so
 * handlers must be idempotent. Rows are claimed with SKIP LOCKED, so several relays can run.
 */
export class OutboxRelay {
  private readonly sql: postgres.Sql;
  private readonly handlers: Readonly<Record<string, EventHandler>>;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly pollIntervalMs: number;
  private readonly log: LogSink;
  private running: Promise<void> | undefined;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: OutboxRelayOptions) {
    this.sql = options.sql;
    this.handlers = options.handlers;
    this.batchSize = options.batchSize ?? 20;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.log = options.logger ?? defaultLogger;
  }

  /** Delivers one batch of due events. */
  runOnce(): Promise<RelayRound> {
    const round: RelayRound = { delivered: 0, retried: 0, failed: 0, refused: 0 };
    return this.sql
      .begin(async (tx) => {
        const rows = await tx<OutboxRow[]>`
          SELECT id, name, tenant_id, payload, traceparent, tracestate, request_id, attempts
          FROM outbox_events
          WHERE status = 'pending' AND available_at <= now()
          ORDER BY available_at, created_at
          LIMIT ${this.batchSize}
          FOR UPDATE SKIP LOCKED`;
        for (const row of rows) await this.deliver(tx, row, round);
      })
      .then(() => round);
  }

  /** Polls until stop(); a round that filled its batch is followed at once by the next. */
  start(): void {
    this.stopping = false;
    const loop = async () => {
      let busy = false;
      try {
        const round = await this.runOnce();
        busy = round.delivered + round.retried + round.failed + round.refused >= this.batchSize;
      } catch (error) {
        this.log.error({ err: error }, "outbox relay round failed");
      }
      if (!this.stopping) this.timer = setTimeout(() => (this.running = loop()), busy ? 0 : this.pollIntervalMs);
    };
    this.running = loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async deliver(tx: postgres.TransactionSql, row: OutboxRow, round: RelayRound): Promise<void> {
    const attempt = row.attempts + 1;
    const handler = this.handlers[row.name];
    try {
      const event = {
        id: row.id,
        name: row.name,
        attempt,
        payload: row.payload,
        trace: { traceparent: row.traceparent, tracestate: row.tracestate ?? undefined, request_id: row.request_id, tenant_id: row.tenant_id },
      };
      await runTracedEvent(SYSTEM, event, handler ?? noHandler, this.log);
      await tx`UPDATE outbox_events SET status = 'delivered', attempts = ${attempt}, delivered_at = now(), last_error = NULL WHERE id = ${row.id}`;
      round.delivered++;
    } catch (error) {
      const refused = error instanceof MissingTraceContextError;
      const final = refused || !handler || attempt >= this.maxAttempts;
      // The message is stored; mask anything secret it may quote.
      const message = sanitizeString(error instanceof Error ? error.message : String(error)).slice(0, 2000);
      const delayMs = this.retryDelayMs * 2 ** (attempt - 1);
      await tx`
        UPDATE outbox_events
        SET status = ${final ? "failed" : "pending"}, attempts = ${attempt}, last_error = ${message},
            available_at = now() + ${delayMs} * interval '1 millisecond'
        WHERE id = ${row.id}`;
      if (refused) round.refused++;
      else if (final) round.failed++;
      else round.retried++;
    }
  }
}

async function noHandler(_payload: unknown, info: { name: string }): Promise<void> {
  throw new Error(`no handler registered for event ${info.name}`);
}
