export interface TraceSearchLink {
  from: Date;
  to: Date;
  minNs?: number | null;
  maxNs?: number | null;
  tenants: readonly string[];
  service: string | null;
  operation: string | null;
  status?: "error" | "ok";
}

/**
 * A duration as the trace search's URL takes it ("250ms", "1.5s"): milliseconds below a
 * second, seconds above, at most three decimals.
 */
export function durationParam(ns: number): string {
  const round = (v: number) => String(Math.round(v * 1000) / 1000);
  return ns >= 1e9 ? `${round(ns / 1e9)}s` : `${round(ns / 1e6)}ms`;
}

/**
 * The trace search narrowed to what a chart element stands for: its time window and duration
 * band, with the view's tenant, service and operation filters carried over.
 */
export function traceSearchHref(link: TraceSearchLink): string {
  return `/traces?${traceSearchParams(link).toString()}`;
}

/** The query string of `traceSearchHref`. */
export function traceSearchParams(link: TraceSearchLink): URLSearchParams {
  const params = new URLSearchParams();
  params.set("from", link.from.toISOString());
  params.set("to", link.to.toISOString());
  if (link.minNs != null) params.set("minDuration", durationParam(link.minNs));
  if (link.maxNs != null) params.set("maxDuration", durationParam(link.maxNs));
  for (const t of link.tenants) params.append("tenant", t);
  if (link.service) params.set("service", link.service);
  if (link.operation) params.set("operation", link.operation);
  if (link.status) params.set("status", link.status);
  return params;
}
