/**
 * The waterfall page of a trace, addressed by its 32-hex OTel trace id and its tenant: one id
 * can be a trace in several tenants, and each search result opens its own.
 */
export function traceHref(traceUuid: string, tenantId: string): string {
  return `/traces/${traceUuid.replace(/-/g, "")}?tenant=${encodeURIComponent(tenantId)}`;
}
