import dagre from "@dagrejs/dagre";

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 64;

/**
 * Positions for the map's services, callers left of callees (dagre's layered layout, cycles
 * broken by the library): the top-left corner of each node, by service.
 */
export function layoutServices(services: readonly string[], edges: readonly { caller: string; service: string }[]): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 24, ranksep: 90, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of services) g.setNode(s, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of edges) g.setEdge(e.caller, e.service);
  dagre.layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  for (const s of services) {
    const n = g.node(s);
    positions.set(s, { x: n.x - NODE_WIDTH / 2, y: n.y - NODE_HEIGHT / 2 });
  }
  return positions;
}
