import { isValidRequestId, isValidTraceparent } from "@/lib/tracing/ids";
import type { RequestMeta } from "./record";

type HeaderSource = { get(name: string): string | null };

/**
 * The audit fields of a request, from its headers. Only validated ids are kept: an id the
 * client invented in the wrong shape is dropped rather than stored.
 */
export function requestMetaFrom(headers: HeaderSource): RequestMeta {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const requestId = headers.get("x-request-id");
  const traceparent = headers.get("traceparent");
  return {
    ip: forwarded || headers.get("x-real-ip") || null,
    userAgent: headers.get("user-agent"),
    requestId: isValidRequestId(requestId) ? requestId : null,
    traceId: isValidTraceparent(traceparent) ? traceparent.slice(3, 35) : null,
  };
}
