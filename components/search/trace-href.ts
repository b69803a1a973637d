/** The waterfall page of a trace, addressed by its 32-hex OTel trace id. */
export function traceHref(traceUuid: string): string {
  return `/traces/${traceUuid.replace(/-/g, "")}`;
}
