import type { LogSink } from "./log-sink";
import { z } from "zod";
import {
  ATTR_JOB_ATTEMPT,
  ATTR_JOB_ID,
  ATTR_JOB_NAME,
  ATTR_JOB_QUEUE,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
} from "./attributes";
import { consume, parseCarrier, produce } from "./carrier";
import { traceMetadataSchema, type TraceMetadata } from "./trace-metadata";

/** What a queue stores for a traced job: the payload wrapped with the producer's trace metadata. */
export interface JobEnvelope<T = unknown> {
  trace: TraceMetadata;
  name: string;
  payload: T;
}

const jobEnvelopeSchema = z.object({
  trace: traceMetadataSchema,
  name: z.string().min(1).max(200),
  payload: z.unknown(),
});

export interface JobTarget {
  queue: string;
  /** The job's name when a queue carries several kinds; the queue name otherwise. */
  name?: string;
}

/** A job as a queue adapter received it. */
export interface ReceivedJob {
  id: string;
  queue: string;
  /** 1 for the first run, 2 for the first retry, ... */
  attempt: number;
  data: unknown;
}

export interface JobInfo {
  id: string;
  name: string;
  queue: string;
  attempt: number;
}

/**
 * Enqueues through `send` inside a producer span; the envelope carries that span's
 * traceparent, the request id and the tenant. `system` names the queue technology.
 */
export function enqueueTraced<T>(
  system: string,
  target: JobTarget,
  payload: T,
  send: (envelope: JobEnvelope<T>) => Promise<string | null>,
): Promise<string | null> {
  const name = target.name ?? target.queue;
  const attributes = {
    [ATTR_JOB_NAME]: name,
    [ATTR_JOB_QUEUE]: target.queue,
    [ATTR_MESSAGING_SYSTEM]: system,
    [ATTR_MESSAGING_OPERATION_TYPE]: "send",
    [ATTR_MESSAGING_DESTINATION_NAME]: target.queue,
  };
  return produce(`send ${target.queue}`, attributes, async (metadata, span) => {
    const id = await send({ trace: metadata, name, payload });
    if (id !== null) span.setAttributes({ [ATTR_JOB_ID]: id, [ATTR_MESSAGING_MESSAGE_ID]: id });
    return id;
  });
}

/**
 * Runs one received job in a consumer span continuing the producer's trace. A job without
 * trace metadata is refused with MissingTraceContextError before `handler` runs; a payload
 * that does not match `schema` fails the job like any handler error.
 */
export async function runTracedJob<T, R>(
  system: string,
  job: ReceivedJob,
  schema: z.ZodType<T>,
  handler: (payload: T, info: JobInfo) => Promise<R>,
  log: LogSink,
): Promise<R> {
  const envelope = parseCarrier("job", job.id, jobEnvelopeSchema, job.data, log);
  const info: JobInfo = { id: job.id, name: envelope.name, queue: job.queue, attempt: job.attempt };
  const attributes = {
    [ATTR_JOB_ID]: job.id,
    [ATTR_JOB_NAME]: envelope.name,
    [ATTR_JOB_QUEUE]: job.queue,
    [ATTR_JOB_ATTEMPT]: job.attempt,
    [ATTR_MESSAGING_SYSTEM]: system,
    [ATTR_MESSAGING_OPERATION_TYPE]: "process",
    [ATTR_MESSAGING_DESTINATION_NAME]: job.queue,
    [ATTR_MESSAGING_MESSAGE_ID]: job.id,
  };
  return consume(envelope.trace, `process ${job.queue}`, attributes, log, () => handler(schema.parse(envelope.payload), info));
}
