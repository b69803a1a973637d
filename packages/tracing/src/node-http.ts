import type { IncomingMessage, ServerResponse } from "node:http";
import { context, type Context } from "@opentelemetry/api";
import { bindTenant, closeRequestScope, openRequestScope, type RequestTracingOptions } from "./request-scope";

type MaybePromise<T> = T | Promise<T>;

export interface TraceMiddlewareOptions extends RequestTracingOptions {
  /** The route template for the span name; the path when omitted (mind its cardinality). */
  route?: (req: IncomingMessage) => string;
  /** The tenant of the authenticated caller, or none; never from an untrusted header. */
  tenant?: (req: IncomingMessage) => MaybePromise<string | null | undefined>;
}

/**
 * Connect-style middleware for plain `node:http` services (and Express): `next` runs in the
 * request's scope, the response carries `x-request-id` and `traceparent`, and the server span
 * ends when the response is done.
 */
export function traceMiddleware(options: TraceMiddlewareOptions = {}) {
  return (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void => {
    const path = (req.url ?? "/").split("?", 1)[0] ?? "/";
    const scope = openRequestScope(
      {
        method: req.method ?? "GET",
        route: options.route?.(req) ?? path,
        path,
        header: (name) => {
          const value = req.headers[name];
          return Array.isArray(value) ? value[0] : value;
        },
      },
      options,
    );
    for (const [name, value] of Object.entries(scope.responseHeaders)) res.setHeader(name, value);
    res.once("close", () => closeRequestScope(scope, res.statusCode));

    // The request and response streams emit their events (body data, end, finish) from the
    // socket's context: bind them, so listeners the handler adds run in the request's scope.
    const proceed = (ctx: Context) => {
      context.bind(ctx, req);
      context.bind(ctx, res);
      context.with(ctx, () => next());
    };
    const resolveTenant = options.tenant;
    if (!resolveTenant) return proceed(scope.context);
    context.with(scope.context, () =>
      Promise.resolve()
        .then(() => resolveTenant(req))
        .then((tenantId) => bindTenant(scope, tenantId))
        .then(
          (bound) => proceed(bound.context),
          (error: unknown) => next(error),
        ),
    );
  };
}
