import { INVALID_TRACEID, ROOT_CONTEXT, TraceFlags, defaultTextMapGetter, defaultTextMapSetter, type Context, type SpanContext } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { z } from "zod";
import { requestIdOf, tenantIdOf, withRequestId, withTenantId } from "./correlation";
import { isValidRequestId, isValidTenantId, isValidTraceparent } from "./ids";

/**
 * What a job envelope or an outbox row carries across an asynchronous boundary (ADR-012):
 * the W3C context of the producer span, the request id and the tenant (null for platform work).
 */
export const traceMetadataSchema = z.object({
  traceparent: z.string().refine(isValidTraceparent, "not a version-00 W3C traceparent"),
  tracestate: z.string().max(512).optional(),
  request_id: z.string().refine(isValidRequestId, "not a valid request id"),
  tenant_id: z.string().refine(isValidTenantId, "not a valid tenant id").nullable(),
});

export type TraceMetadata = z.infer<typeof traceMetadataSchema>;

// The library speaks W3C Trace Context on its own boundaries whatever global propagator the
// host registered, so two services using it always understand each other.
export const w3c = new W3CTraceContextPropagator();

/** The W3C traceparent of a span context, or undefined when it holds no trace (no SDK). */
export function formatTraceparent(span: SpanContext): string | undefined {
  if (span.traceId === INVALID_TRACEID) return undefined;
  const flags = span.traceFlags === TraceFlags.SAMPLED ? "01" : (span.traceFlags & 0xff).toString(16).padStart(2, "0");
  return `00-${span.traceId}-${span.spanId}-${flags}`;
}

/** Thrown when there is no valid span to propagate: no OpenTelemetry SDK is registered. */
export class TracingNotInitializedError extends Error {
  override readonly name = "TracingNotInitializedError";

  constructor() {
    super("no valid span context to propagate: call initTracing() (or register an OpenTelemetry SDK) first");
  }
}

/** The metadata of `ctx`, which must hold the producer span and an open correlation. */
export function captureTraceMetadata(ctx: Context): TraceMetadata {
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, defaultTextMapSetter);
  const requestId = requestIdOf(ctx);
  if (carrier.traceparent === undefined || requestId === undefined) throw new TracingNotInitializedError();
  return {
    traceparent: carrier.traceparent,
    ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}),
    request_id: requestId,
    tenant_id: tenantIdOf(ctx) ?? null,
  };
}

/**
 * A fresh context continuing the producer's trace. It starts from the root context, never from
 * whatever the worker loop happens to be running in, so nothing leaks between jobs or tenants.
 */
export function contextFromMetadata(metadata: TraceMetadata): Context {
  let ctx = w3c.extract(ROOT_CONTEXT, metadata, defaultTextMapGetter);
  ctx = withRequestId(ctx, metadata.request_id);
  if (metadata.tenant_id !== null) ctx = withTenantId(ctx, metadata.tenant_id);
  return ctx;
}
