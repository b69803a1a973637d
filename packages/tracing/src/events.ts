import { randomUUID } from "node:crypto";
import type { LogSink } from "./log-sink";
import { z } from "zod";
import {
  ATTR_EVENT_ID,
  ATTR_EVENT_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
} from "./attributes";
import { consume, parseCarrier, produce } from "./carrier";
import { traceMetadataSchema, type TraceMetadata } from "./trace-metadata";

/** An integration event as a transport delivers it, before validation. */
export interface ReceivedEvent {
  id: string;
  name: string;
  attempt: number;
  payload: unknown;
  /** The trace metadata the producer attached; validated before any handler runs. */
  trace: unknown;
}

export interface EventInfo {
  id: string;
  name: string;
  attempt: number;
}

export type EventHandler = (payload: unknown, info: EventInfo) => Promise<void>;

/** An event handler whose payload is validated by `schema` first. */
export function onEvent<T>(schema: z.ZodType<T>, handle: (payload: T, info: EventInfo) => Promise<void>): EventHandler {
  return (payload, info) => handle(schema.parse(payload), info);
}

const eventCarrierSchema = z.object({
  id: z.uuid(),
  name: z.string().min(1).max(200),
  trace: traceMetadataSchema,
});

/**
 * Emits through `write` inside a producer span (event.id, event.name); `write` stores the
 * event with the trace metadata of that span. Returns the new event's id.
 */
export async function emitTraced(
  system: string,
  name: string,
  write: (eventId: string, metadata: TraceMetadata) => Promise<void>,
): Promise<string> {
  const id = randomUUID();
  const attributes = {
    [ATTR_EVENT_ID]: id,
    [ATTR_EVENT_NAME]: name,
    [ATTR_MESSAGING_SYSTEM]: system,
    [ATTR_MESSAGING_OPERATION_TYPE]: "send",
    [ATTR_MESSAGING_DESTINATION_NAME]: name,
    [ATTR_MESSAGING_MESSAGE_ID]: id,
  };
  await produce(`publish ${name}`, attributes, (metadata) => write(id, metadata));
  return id;
}

/**
 * Runs `handler` for one delivered event in a consumer span continuing the producer's trace,
 * with its request and tenant ids. An event without trace metadata is refused with
 * MissingTraceContextError before the handler runs.
 */
export async function runTracedEvent(system: string, event: ReceivedEvent, handler: EventHandler, log: LogSink): Promise<void> {
  const carrier = parseCarrier("event", event.id, eventCarrierSchema, event, log);
  const attributes = {
    [ATTR_EVENT_ID]: carrier.id,
    [ATTR_EVENT_NAME]: carrier.name,
    [ATTR_MESSAGING_SYSTEM]: system,
    [ATTR_MESSAGING_OPERATION_TYPE]: "process",
    [ATTR_MESSAGING_DESTINATION_NAME]: carrier.name,
    [ATTR_MESSAGING_MESSAGE_ID]: carrier.id,
  };
  await consume(carrier.trace, `process ${carrier.name}`, attributes, log, () =>
    handler(event.payload, { id: carrier.id, name: carrier.name, attempt: event.attempt }),
  );
}
