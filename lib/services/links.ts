import { traceSearchHref } from "@/lib/latency/links";
import type { ServiceMapFilters } from "./service-map-params";
import type { Risen } from "./types";

/** The window as a view's URL has it: the preset when it came from one, else from and to. */
function windowParams(f: ServiceMapFilters, params: URLSearchParams): void {
  if (f.range.preset) params.set("range", f.range.preset);
  else {
    params.set("from", f.range.from.toISOString());
    params.set("to", f.range.to.toISOString());
  }
}

/** The latency view of one service, with the map's tenants and window. */
export function serviceLatencyHref(service: string, f: ServiceMapFilters): string {
  const params = new URLSearchParams();
  for (const t of f.tenants) params.append("tenant", t);
  params.set("service", service);
  windowParams(f, params);
  return `/latency?${params.toString()}`;
}

/**
 * The traces behind an edge. The search filters by a service a trace contains, not by who
 * called it, so this finds the traces through the callee in the map's window (every trace
 * with the call, and any other of that service's): only failed ones when the edge's errors
 * rose, only those at least as long as its p95 when its latency rose (a trace lasts at least
 * as long as each of its calls).
 */
export function edgeSearchHref(edge: { service: string; p95Ns: number | null; risen: Risen }, f: ServiceMapFilters): string {
  return traceSearchHref({
    from: f.range.from,
    to: f.range.to,
    tenants: f.tenants,
    service: edge.service,
    operation: null,
    status: edge.risen.errors ? "error" : undefined,
    minNs: edge.risen.p95 && !edge.risen.errors ? edge.p95Ns : null,
  });
}
