import { context } from "@opentelemetry/api";
import {
  REQUEST_ID_HEADER,
  bindTenant,
  closeRequestScope,
  openRequestScope,
  type RequestScope,
  type RequestTracingOptions,
} from "./request-scope";

type MaybePromise<T> = T | Promise<T>;

export interface WithTracingOptions<Ctx, Req extends Request = Request> extends RequestTracingOptions {
  /** The route template, e.g. "/api/traces/[traceId]". */
  route: string;
  /**
   * The tenant of the authenticated caller (session, API key), or none. Never read it from a
   * request header: a header is whatever the client chose to send.
   */
  tenant?: (req: Req, ctx: Ctx) => MaybePromise<string | null | undefined>;
}

/**
 * Wraps an App Router route handler (or any `(Request) => Response` server code): the handler
 * and everything it awaits run in the request's scope, and the response carries `x-request-id`
 * and `traceparent`. The app faces browsers, so its request id is always its own: a client's
 * `x-request-id` would otherwise put its audit rows under another user's request. The trace
 * continues from a valid upstream `traceparent` as in every adapter.
 */
export function withTracing<Ctx = unknown, Req extends Request = Request>(
  handler: (req: Req, ctx: Ctx) => MaybePromise<Response>,
  options: WithTracingOptions<Ctx, Req>,
): (req: Req, ctx: Ctx) => Promise<Response> {
  return (req, ctx) => {
    const scope = openRequestScope(
      { method: req.method, route: options.route, path: pathOf(req.url), header: (name) => (name === REQUEST_ID_HEADER ? null : req.headers.get(name)) },
      options,
    );
    return context.with(scope.context, () => run(scope, handler, options, req, ctx));
  };
}

async function run<Ctx, Req extends Request>(
  scope: RequestScope,
  handler: (req: Req, ctx: Ctx) => MaybePromise<Response>,
  options: WithTracingOptions<Ctx, Req>,
  req: Req,
  ctx: Ctx,
): Promise<Response> {
  let response: Response;
  try {
    // Already inside the scope's context: a second context.with() only when a tenant joins it.
    const bound = options.tenant ? bindTenant(scope, await options.tenant(req, ctx)) : scope;
    response = await (bound === scope ? handler(req, ctx) : context.with(bound.context, () => handler(req, ctx)));
  } catch (error) {
    closeRequestScope(scope, 500, error);
    throw error;
  }
  response = withHeaders(response, scope.responseHeaders);
  closeRequestScope(scope, response.status);
  return response;
}

function withHeaders(response: Response, headers: Readonly<Record<string, string>>): Response {
  try {
    for (const name in headers) response.headers.set(name, headers[name] as string);
    return response;
  } catch {
    // Response.redirect() and fetched responses have immutable headers: copy, then set.
    const copy = new Response(response.body, response);
    for (const name in headers) copy.headers.set(name, headers[name] as string);
    return copy;
  }
}

function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const end = url.search(/[?#]/);
  return end < 0 ? url.slice(start) : url.slice(start, end);
}
