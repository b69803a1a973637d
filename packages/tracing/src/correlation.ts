import { INVALID_TRACEID, context, createContextKey, trace, type Attributes, type Context } from "@opentelemetry/api";
import { ATTR_REQUEST_ID, ATTR_TENANT_ID } from "./attributes";
import { TenantConflictError } from "./errors";
import { LinkedContext } from "./linked-context";

// The keys stay private to this module, and index.ts re-exports only the readers: code outside
// the library cannot change a scope's request or tenant id once the scope is open.
const REQUEST_ID = createContextKey("lib-tracing.request_id");
const TENANT_ID = createContextKey("lib-tracing.tenant_id");

export interface Correlation {
  traceId: string | null;
  spanId: string | null;
  requestId: string | null;
  tenantId: string | null;
}

export function requestIdOf(ctx: Context): string | undefined {
  return ctx.getValue(REQUEST_ID) as string | undefined;
}

export function tenantIdOf(ctx: Context): string | undefined {
  return ctx.getValue(TENANT_ID) as string | undefined;
}

/** The ids of the active scope, for audit rows, error reports and outgoing calls. */
export function getCorrelation(ctx: Context = context.active()): Correlation {
  const span = trace.getSpanContext(ctx);
  const traced = span !== undefined && span.traceId !== INVALID_TRACEID;
  return {
    traceId: traced ? span.traceId : null,
    spanId: traced ? span.spanId : null,
    requestId: requestIdOf(ctx) ?? null,
    tenantId: tenantIdOf(ctx) ?? null,
  };
}

/** `request.id` and `tenant.id` span attributes for the scope in `ctx`. */
export function correlationAttributes(ctx: Context): Attributes {
  const attributes: Attributes = {};
  const requestId = requestIdOf(ctx);
  if (requestId !== undefined) attributes[ATTR_REQUEST_ID] = requestId;
  const tenantId = tenantIdOf(ctx);
  if (tenantId !== undefined) attributes[ATTR_TENANT_ID] = tenantId;
  return attributes;
}

/** Library-internal: opens a scope's correlation. A scope that already has one keeps it. */
export function withRequestId(ctx: Context, requestId: string): Context {
  return requestIdOf(ctx) === undefined ? new LinkedContext(ctx, REQUEST_ID, requestId) : ctx;
}

/** Library-internal: binds the tenant once; a different tenant later is an error, never a switch. */
export function withTenantId(ctx: Context, tenantId: string): Context {
  const existing = tenantIdOf(ctx);
  if (existing === undefined) return new LinkedContext(ctx, TENANT_ID, tenantId);
  if (existing !== tenantId) throw new TenantConflictError(existing, tenantId);
  return ctx;
}
