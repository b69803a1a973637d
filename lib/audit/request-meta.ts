import { getCorrelation } from "@/lib/tracing/correlation";
import { isValidRequestId, isValidTraceparent } from "@/lib/tracing/ids";
import type { RequestMeta } from "./record";

type HeaderSource = { get(name: string): string | null };

/**
 * The audit fields of a request. Inside a traced scope (route handlers) the scope's ids win;
 * otherwise they come from the headers the proxy set. Only validated ids are kept: an id the
 * client invented in the wrong shape is dropped rather than stored.
 */
export function requestMetaFrom(headers: HeaderSource): RequestMeta {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const requestId = headers.get("x-request-id");
  const traceparent = headers.get("traceparent");
  const scope = getCorrelation();
  return {
    ip: forwarded || headers.get("x-real-ip") || null,
    userAgent: headers.get("user-agent"),
    requestId: scope.requestId ?? (isValidRequestId(requestId) ? requestId : null),
    traceId: scope.traceId ?? (isValidTraceparent(traceparent) ? traceparent.slice(3, 35) : null),
  };
}
