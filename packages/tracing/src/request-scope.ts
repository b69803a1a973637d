import { INVALID_TRACEID, ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace, type Attributes, type Context, type Span } from "@opentelemetry/api";
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_URL_PATH } from "@opentelemetry/semantic-conventions";
import { ATTR_REQUEST_ID, ATTR_SAMPLING_PRIORITY, ATTR_SECURITY_OPERATION, ATTR_TENANT_ID, type Priority } from "./attributes";
import { correlationAttributes, requestIdOf, withRequestId, withTenantId } from "./correlation";
import { isValidRequestId, isValidTenantId, newRequestId } from "./ids";
import { recordFailure } from "./spans";
import { formatTraceparent, w3c } from "./trace-metadata";
import { tracer } from "./tracer";

export const REQUEST_ID_HEADER = "x-request-id";
const TRACEPARENT_HEADER = "traceparent";
const NO_OPTIONS: RequestTracingOptions = Object.freeze({});

/** What the request wrappers know about an incoming request, whatever the framework. */
export interface IncomingRequestInfo {
  method: string;
  /** The route template, e.g. "/api/traces/[traceId]": the span name must stay low-cardinality. */
  route: string;
  /** The path without its query string. */
  path: string;
  header(name: string): string | null | undefined;
}

export interface RequestTracingOptions {
  /** ADR-012 sampling: only "low" requests may be sampled out. */
  priority?: Priority;
  /** A security-related operation: its trace is always kept. */
  security?: boolean;
  attributes?: Attributes;
}

export interface RequestScope {
  readonly context: Context;
  readonly span: Span;
  readonly requestId: string;
  /** `x-request-id`, and `traceparent` of the server span when there is a valid trace. */
  readonly responseHeaders: Readonly<Record<string, string>>;
}

// The upstream traceparent, already read, and the request for the rest: each header is read
// once (a fetch Headers lookup normalizes the name every time).
interface UpstreamCarrier {
  traceparent: string;
  req: IncomingRequestInfo;
}
const upstreamGetter = {
  get: (carrier: UpstreamCarrier, key: string) => (key === TRACEPARENT_HEADER ? carrier.traceparent : (carrier.req.header(key) ?? undefined)),
  keys: () => [],
};

// One name string per route and method, made once: no concatenation per request, and the
// exporter's sanitizer finds the name in its cache by a hash the string already carries.
const spanNames = new Map<string, Map<string, string>>();
const SPAN_NAME_ROUTES = 1000;
// Clients choose the method: past a handful per route, names are made per request instead.
const SPAN_NAME_METHODS = 16;

function spanName(method: string, route: string): string {
  let byMethod = spanNames.get(route);
  if (byMethod === undefined) {
    if (spanNames.size >= SPAN_NAME_ROUTES) spanNames.clear();
    byMethod = new Map();
    spanNames.set(route, byMethod);
  }
  let name = byMethod.get(method);
  if (name === undefined) {
    name = `${method} ${route}`;
    if (byMethod.size < SPAN_NAME_METHODS) byMethod.set(method, name);
  }
  return name;
}

/**
 * Opens the scope of one request: accepts a valid upstream traceparent and x-request-id or
 * makes new ones (a malformed header counts as absent and is noted on the span), and starts
 * the server span. Inside an already open request scope the ids stay as they are.
 */
export function openRequestScope(req: IncomingRequestInfo, options: RequestTracingOptions = NO_OPTIONS): RequestScope {
  const active = context.active();
  const inherited = requestIdOf(active);
  let rejected: string[] | undefined;
  let parent: Context;
  let requestId: string;
  if (inherited !== undefined) {
    parent = active;
    requestId = inherited;
  } else {
    parent = frameworkSpanContext(active) ?? ROOT_CONTEXT;
    const traceparent = parent === ROOT_CONTEXT ? req.header(TRACEPARENT_HEADER) : undefined;
    const upstream = req.header(REQUEST_ID_HEADER);
    if (isValidRequestId(upstream)) {
      requestId = upstream;
    } else {
      requestId = newRequestId();
      if (upstream != null) rejected = [REQUEST_ID_HEADER];
    }
    parent = withRequestId(parent, requestId);
    if (traceparent != null) {
      const extracted = w3c.extract(parent, { traceparent, req }, upstreamGetter);
      if (extracted === parent) (rejected ??= []).unshift(TRACEPARENT_HEADER);
      parent = extracted;
    }
  }

  let attributes: Attributes =
    inherited === undefined
      ? { [ATTR_HTTP_REQUEST_METHOD]: req.method, [ATTR_HTTP_ROUTE]: req.route, [ATTR_URL_PATH]: req.path, [ATTR_REQUEST_ID]: requestId }
      : { [ATTR_HTTP_REQUEST_METHOD]: req.method, [ATTR_HTTP_ROUTE]: req.route, [ATTR_URL_PATH]: req.path, ...correlationAttributes(parent) };
  if (options.attributes) attributes = { ...options.attributes, ...attributes };
  if (options.priority) attributes[ATTR_SAMPLING_PRIORITY] = options.priority;
  if (options.security) attributes[ATTR_SECURITY_OPERATION] = true;

  const kind = inherited === undefined ? SpanKind.SERVER : SpanKind.INTERNAL;
  const span = tracer().startSpan(spanName(req.method, req.route), { kind, attributes }, parent);
  // Only the header names: the rejected values are untrusted input and stay out of the trace.
  if (rejected) for (const header of rejected) span.addEvent("upstream_header_rejected", { header });

  const traceparent = formatTraceparent(span.spanContext());
  const responseHeaders: Record<string, string> =
    traceparent === undefined ? { [REQUEST_ID_HEADER]: requestId } : { [REQUEST_ID_HEADER]: requestId, [TRACEPARENT_HEADER]: traceparent };
  return { context: trace.setSpan(parent, span), span, requestId, responseHeaders };
}

/**
 * Binds the tenant the caller authenticated (never one named by a header) to the scope. A
 * tenant the callback could not establish leaves the scope without one.
 */
export function bindTenant(scope: RequestScope, tenantId: string | null | undefined): RequestScope {
  if (tenantId == null) return scope;
  if (!isValidTenantId(tenantId)) throw new TypeError("the tenant callback returned a malformed tenant id");
  const ctx = withTenantId(scope.context, tenantId);
  if (ctx === scope.context) return scope;
  scope.span.setAttribute(ATTR_TENANT_ID, tenantId);
  return { ...scope, context: ctx };
}

/** Ends the server span with the response status; 5xx and thrown errors mark it failed. */
export function closeRequestScope(scope: RequestScope, statusCode: number, error?: unknown): void {
  scope.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
  if (error !== undefined) recordFailure(scope.span, error);
  else if (statusCode >= 500) scope.span.setStatus({ code: SpanStatusCode.ERROR });
  scope.span.end();
}

// A framework that traces requests itself (Next.js does once an SDK is registered) has already
// extracted the upstream context into its own server span: continue that span's trace.
function frameworkSpanContext(active: Context): Context | undefined {
  const span = trace.getSpan(active);
  const spanContext = span?.spanContext();
  return spanContext && !spanContext.isRemote && spanContext.traceId !== INVALID_TRACEID ? active : undefined;
}

