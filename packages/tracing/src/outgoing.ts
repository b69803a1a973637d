import { context, defaultTextMapSetter } from "@opentelemetry/api";
import { requestIdOf } from "./correlation";
import { REQUEST_ID_HEADER } from "./request-scope";
import { w3c } from "./trace-metadata";

/**
 * Headers for a call to another service: `traceparent`/`tracestate` of the active span and the
 * request id. The tenant is deliberately not among them: the callee takes it from its own
 * authentication, never from a header.
 */
export function outgoingHeaders(): Record<string, string> {
  const ctx = context.active();
  const headers: Record<string, string> = {};
  w3c.inject(ctx, headers, defaultTextMapSetter);
  const requestId = requestIdOf(ctx);
  if (requestId !== undefined) headers[REQUEST_ID_HEADER] = requestId;
  return headers;
}
