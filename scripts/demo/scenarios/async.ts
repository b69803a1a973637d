import type { ServiceName } from "../resources";
import { SpanKind } from "../../../db/span-codec/kind-and-status";
import type { DemoSpan, Failure, TraceBuilder } from "../trace-builder";
import { db, query } from "./infra";

export interface WorkResult {
  end: number;
  failure?: Failure;
}

/** What a worker does with one job attempt (1-based), starting at `at`. */
export type JobWork = (t: TraceBuilder, span: DemoSpan, at: number, attempt: number) => WorkResult;

export interface JobSpec {
  name: string;
  queue: string;
  maxAttempts: number;
  work: JobWork;
}

const INSERT_JOB = query("INSERT", "pgboss.job", "INSERT INTO pgboss.job (id, name, data, retry_limit, retry_backoff, singleton_key) VALUES ($1, $2, $3, $4, $5, $6)", 700);
const INSERT_OUTBOX = query("INSERT", "outbox_events", "INSERT INTO outbox_events (id, tenant_id, name, payload, trace_context) VALUES ($1, $2, $3, $4, $5)", 600);
const MARK_PUBLISHED = query("UPDATE", "outbox_events", "UPDATE outbox_events SET published_at = now() WHERE id = $1", 500);

/** Time a job waits in the queue: usually the worker's poll interval, now and then a backlog. */
function queueWait(t: TraceBuilder): number {
  return t.rng.chance(0.04) ? t.rng.between(5_000_000, 90_000_000) : t.rng.between(20_000, 2_000_000);
}

/**
 * Enqueues a job and runs it: a PRODUCER span in the caller, then one CONSUMER span per
 * attempt in the worker, in the same trace (ADR-012: the worker continues the trace). Failed
 * attempts retry with exponential backoff; the last failure goes to the dead-letter queue.
 * Returns when the enqueue call ends, which is all the caller waits for.
 */
export function enqueueJob(t: TraceBuilder, parent: DemoSpan, at: number, job: JobSpec): number {
  const jobId = `job_${t.rng.hex(12)}`;
  const common = { "job.id": jobId, "job.name": job.name, "job.queue": job.queue };
  const messaging = { "messaging.system": "pg-boss", "messaging.destination.name": job.queue, "messaging.message.id": jobId };
  const producer = t.start(parent, parent.service, `enqueue ${job.name}`, SpanKind.Producer, at, {
    ...messaging,
    "messaging.operation.type": "send",
    ...common,
  });
  const enqueued = t.end(producer, db(t, producer, producer.start + 40, INSERT_JOB) + 30);

  let ready = enqueued + queueWait(t);
  let previous: DemoSpan | null = null;
  for (let attempt = 1; attempt <= job.maxAttempts; attempt++) {
    const consumer = t.start(producer, "job-worker", `process ${job.name}`, SpanKind.Consumer, ready, {
      ...messaging,
      "messaging.operation.type": "process",
      ...common,
      "job.attempt": attempt,
      "job.max_attempts": job.maxAttempts,
    });
    if (previous) t.link(consumer, previous, { "job.link": "previous_attempt" });
    const result = job.work(t, consumer, consumer.start + t.latency(300, 0.4), attempt);
    const end = t.end(consumer, result.end + t.latency(200, 0.4));
    if (!result.failure) {
      consumer.attributes["job.outcome"] = "completed";
      return enqueued;
    }
    t.fail(consumer, result.failure, end);
    if (attempt === job.maxAttempts) {
      consumer.attributes["job.outcome"] = "dead_lettered";
      const dead = t.start(consumer, "job-worker", `dead-letter ${job.name}`, SpanKind.Producer, end - 150, {
        ...messaging,
        "messaging.destination.name": `${job.queue}.dead_letter`,
        "messaging.operation.type": "send",
        ...common,
      });
      t.end(dead, end - 20);
      return enqueued;
    }
    // pg-boss style retry: delay × 2^(attempt-1), with jitter.
    const delayUs = 2_000_000 * 2 ** (attempt - 1) * t.rng.between(0.85, 1.15);
    consumer.attributes["job.outcome"] = "retry_scheduled";
    consumer.attributes["job.retry_delay_ms"] = Math.round(delayUs / 1000);
    ready = end + delayUs + t.rng.between(10_000, 500_000);
    previous = consumer;
  }
  return enqueued;
}

export interface EventHandler {
  service: ServiceName;
  work: (t: TraceBuilder, span: DemoSpan, at: number) => WorkResult;
}

export interface OutboxEvent {
  id: string;
  name: string;
  /** The span whose context was stored with the row; the relay continues from it. */
  writer: DemoSpan;
  insertedAt: number;
}

/** Writes an event row into the outbox, inside the writer's open transaction. */
export function insertOutboxEvent(t: TraceBuilder, writer: DemoSpan, at: number, name: string): OutboxEvent {
  const insertedAt = db(t, writer, at, INSERT_OUTBOX);
  return { id: `evt_${t.rng.hex(12)}`, name, writer, insertedAt };
}

/**
 * The relay publishes a committed outbox event and each subscribed service handles it, all
 * continuing the trace the writer captured (ADR-012: event handlers never drop correlation).
 */
export function relayOutboxEvent(t: TraceBuilder, event: OutboxEvent, committedAt: number, handlers: EventHandler[]): void {
  const ids = { "event.id": event.id, "event.name": event.name };
  // The relay polls the outbox every 500 ms.
  const relay = t.start(event.writer, "outbox-relay", `publish ${event.name}`, SpanKind.Producer, committedAt + t.rng.between(5_000, 500_000), {
    "messaging.system": "rabbitmq",
    "messaging.operation.type": "send",
    "messaging.destination.name": "platform.events",
    "messaging.rabbitmq.destination.routing_key": event.name,
    "messaging.message.id": event.id,
    ...ids,
  });
  const published = relay.start + t.latency(1_200, 0.4);
  t.end(relay, db(t, relay, published + 50, MARK_PUBLISHED) + 40);

  for (const handler of handlers) {
    const consumer = t.start(relay, handler.service, `process ${event.name}`, SpanKind.Consumer, published + t.latency(2_500, 0.6), {
      "messaging.system": "rabbitmq",
      "messaging.operation.type": "process",
      "messaging.destination.name": `${handler.service}.${event.name}`,
      "messaging.consumer.group.name": handler.service,
      "messaging.message.id": event.id,
      ...ids,
    });
    const result = handler.work(t, consumer, consumer.start + t.latency(150, 0.4));
    const end = t.end(consumer, result.end + t.latency(100, 0.4));
    if (result.failure) t.fail(consumer, result.failure, end);
  }
}
