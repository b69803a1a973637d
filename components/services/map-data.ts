import type { MapEdge, MapNode } from "@/lib/services/types";

/** A service as the page hands it to the graph: its figures and where a click goes. */
export interface NodeView extends MapNode {
  href: string;
}

/** An edge as the page hands it to the graph: its figures and where a click goes. */
export interface EdgeView extends MapEdge {
  id: string;
  href: string;
}

/** A stable, URL-safe id of an edge (service names may hold any text). */
export const edgeId = (caller: string, service: string) => `e-${encodeURIComponent(caller)}--${encodeURIComponent(service)}`;

/** What rose on an edge, in words: the highlight never rests on colour alone. */
export function risenLabel(e: Pick<MapEdge, "risen">): string | null {
  const parts = [e.risen.errors ? "errors" : null, e.risen.p95 ? "p95" : null].filter(Boolean);
  return parts.length > 0 ? `▲ ${parts.join(" and ")} rose` : null;
}
