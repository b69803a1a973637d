import { clientAddressOf } from "@/lib/security/client-address";
import { getCorrelation, isValidRequestId, isValidTraceparent } from "@trace-explorer/tracing";
import type { RequestMeta } from "./record";

type HeaderSource = { get(name: string): string | null };

/** Where proxy.ts passes on the request id a client sent, having replaced it with its own. */
export const CLIENT_REQUEST_ID_HEADER = "x-client-request-id";

/**
 * The audit fields of a request. The request id is the server's: the route handler's scope
 * (@trace-explorer/tracing/next mints its own) or, for pages and server actions, the one proxy.ts set.
 * An id the client sent is kept apart as `clientRequestId`. The address is the client's as
 * the app's server saw it, per TRUSTED_PROXIES (lib/security/client-address.ts). Only
 * validated values are kept: anything in the wrong shape is dropped rather than stored.
 */
export function requestMetaFrom(headers: HeaderSource): RequestMeta {
  const traceparent = headers.get("traceparent");
  const scope = getCorrelation();
  const own = scope.requestId ?? headers.get("x-request-id");
  const requestId = isValidRequestId(own) ? own : null;
  const sent = [headers.get(CLIENT_REQUEST_ID_HEADER), headers.get("x-request-id")].find(isValidRequestId);
  return {
    ip: clientAddressOf(headers),
    userAgent: headers.get("user-agent"),
    requestId,
    clientRequestId: sent !== undefined && sent !== requestId ? sent : null,
    traceId: scope.traceId ?? (isValidTraceparent(traceparent) ? traceparent.slice(3, 35) : null),
  };
}
