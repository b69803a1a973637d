import { SpanKind, context, trace, type Attributes, type Span } from "@opentelemetry/api";
import type { LogSink } from "./log-sink";
import type { z } from "zod";
import { correlationAttributes, requestIdOf, withRequestId } from "./correlation";
import { MissingTraceContextError, type TraceCarrierKind } from "./errors";
import { newRequestId } from "./ids";
import { recordRefusal } from "./refusals";
import { recordFailure } from "./spans";
import { captureTraceMetadata, contextFromMetadata, type TraceMetadata } from "./trace-metadata";
import { tracer } from "./tracer";

// Shared by jobs and events: both are a producer span whose context travels in a carrier (job
// envelope, outbox row) and a consumer span that continues it on the other side.

/**
 * Runs `send` in a new producer span with the carrier's trace metadata taken from that span.
 * Work started outside any request gets a request id of its own, so its logs still correlate.
 */
export async function produce<R>(
  spanName: string,
  attributes: Attributes,
  send: (metadata: TraceMetadata, span: Span) => Promise<R>,
): Promise<R> {
  let parent = context.active();
  if (requestIdOf(parent) === undefined) parent = withRequestId(parent, newRequestId());
  const span = tracer().startSpan(spanName, { kind: SpanKind.PRODUCER, attributes: { ...attributes, ...correlationAttributes(parent) } }, parent);
  const ctx = trace.setSpan(parent, span);
  try {
    return await context.with(ctx, () => send(captureTraceMetadata(ctx), span));
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Validates a received carrier; one without usable trace metadata is refused (counted, logged,
 * thrown as MissingTraceContextError) before any handler code runs.
 */
export function parseCarrier<S extends z.ZodType>(
  kind: TraceCarrierKind,
  carrierId: string | undefined,
  schema: S,
  data: unknown,
  log: LogSink,
): z.infer<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`);
  const error = new MissingTraceContextError(kind, carrierId, problems);
  recordRefusal(error, log);
  throw error;
}

/**
 * Runs `fn` in a consumer span whose parent is the producer span named by `metadata`, in a
 * context holding the carrier's request and tenant ids. Failures are recorded and logged there.
 */
export function consume<R>(
  metadata: TraceMetadata,
  spanName: string,
  attributes: Attributes,
  log: LogSink,
  fn: () => Promise<R>,
): Promise<R> {
  const parent = contextFromMetadata(metadata);
  const span = tracer().startSpan(spanName, { kind: SpanKind.CONSUMER, attributes: { ...attributes, ...correlationAttributes(parent) } }, parent);
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      return await fn();
    } catch (error) {
      recordFailure(span, error);
      log.error({ err: error }, `${spanName} failed`);
      throw error;
    } finally {
      span.end();
    }
  });
}
