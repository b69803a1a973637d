import { bigintToSpanId, uuidToTraceId } from "@/db/span-codec/ids";

/**
 * Where a trace opens in the explorer: `/traces/<32-hex id>?tenant=…`, on one span when given.
 * The tenant is part of the address: one id can be a trace in several tenants.
 */
export function traceHref(traceId: string, tenantId: string, spanId?: string | null): string {
  const query = new URLSearchParams({ tenant: tenantId });
  if (spanId) query.set("span", spanId);
  return `/traces/${traceId}?${query}`;
}

/** Ids as the database returns them (uuid, signed bigint) to their OTel hex form. */
export function hexIds(traceUuid: string, spanId: bigint | null): { traceId: string; spanId: string | null } {
  return { traceId: uuidToTraceId(traceUuid), spanId: spanId === null ? null : bigintToSpanId(spanId) };
}

/**
 * A timestamp read back from the database has millisecond precision while the column has
 * microseconds: an upper bound passed back must round up, or the last spans fall outside.
 */
export function roundUpMs(date: Date): Date {
  return new Date(date.getTime() + 1);
}
