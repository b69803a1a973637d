"use client";

import "@xyflow/react/dist/style.css";
import { Background, Controls, MarkerType, MiniMap, ReactFlow, ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { useRouter } from "next/navigation";
import { useId, useMemo } from "react";
import { formatDuration } from "@/lib/format/duration";
import { layoutServices, NODE_HEIGHT, NODE_WIDTH } from "@/lib/services/layout";
import { CallEdge, type CallEdgeType } from "./call-edge";
import { risenLabel, type EdgeView, type NodeView } from "./map-data";
import { ServiceNode, type ServiceNodeType } from "./service-node";

const NODE_TYPES = { service: ServiceNode };
const EDGE_TYPES = { call: CallEdge };

/**
 * React Flow's colours under the app's own theme (data-theme, the dark: variant), which a
 * user may set apart from the system's: its light defaults, overridden in dark.
 */
const THEME = [
  "[--xy-background-color:transparent]",
  "dark:[--xy-edge-stroke:#71717a]",
  "dark:[--xy-controls-button-background-color:#27272a]",
  "dark:[--xy-controls-button-background-color-hover:#3f3f46]",
  "dark:[--xy-controls-button-color:#e4e4e7]",
  "dark:[--xy-controls-button-color-hover:#fff]",
  "dark:[--xy-controls-button-border-color:#52525b]",
  "dark:[--xy-attribution-background-color:rgba(24,24,27,0.6)]",
  "dark:[--xy-minimap-background-color:#18181b]",
  "dark:[--xy-minimap-mask-background-color:rgba(63,63,70,0.6)]",
  "dark:[--xy-minimap-node-background-color:#3f3f46]",
  "dark:[--xy-background-pattern-color:#3f3f46]",
].join(" ");

/** Edge labels only where they tell something (a rise) or the map is small enough to read them all. */
const LABEL_ALL_UP_TO = 40;

/**
 * The service map drawn with React Flow, laid out by dagre: callers left of callees. A click
 * on a service opens its latency view; on an edge, the traces of the call. Risen edges are
 * thicker, dashed and labelled with what rose, not only coloured.
 */
export function ServiceGraph(props: { nodes: readonly NodeView[]; edges: readonly EdgeView[] }) {
  return (
    <ReactFlowProvider>
      <ServiceFinder nodes={props.nodes} />
      <Graph {...props} />
    </ReactFlowProvider>
  );
}

/** On a map too large to read whole: centres a service at a readable zoom, its edges leading to its callers and callees. */
function ServiceFinder({ nodes }: { nodes: readonly NodeView[] }) {
  const flow = useReactFlow();
  const list = useId();
  const focus = (service: string) => {
    const node = flow.getNode(service);
    if (!node) return;
    void flow.setCenter(node.position.x + NODE_WIDTH / 2, node.position.y + NODE_HEIGHT / 2, { zoom: 1, duration: 300 });
  };
  return (
    <div className="mb-2 flex items-center gap-2">
      <label htmlFor={`${list}-input`} className="text-zinc-600 dark:text-zinc-400">
        Find a service
      </label>
      <input
        id={`${list}-input`}
        list={list}
        className="w-64 rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
        placeholder={`${nodes.length} services`}
        onChange={(e) => focus(e.target.value)}
        data-testid="service-finder"
      />
      <datalist id={list}>
        {nodes.map((n) => (
          <option key={n.service} value={n.service} />
        ))}
      </datalist>
    </div>
  );
}

function Graph({ nodes, edges }: { nodes: readonly NodeView[]; edges: readonly EdgeView[] }) {
  const router = useRouter();
  const { flowNodes, flowEdges } = useMemo(() => {
    const positions = layoutServices(
      nodes.map((n) => n.service),
      edges,
    );
    const flowNodes: ServiceNodeType[] = nodes.map((view) => ({
      id: view.service,
      type: "service",
      position: positions.get(view.service)!,
      data: { view },
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      connectable: false,
      draggable: false,
    }));
    const flowEdges: CallEdgeType[] = edges.map((e) => {
      const risen = risenLabel(e);
      const p95 = `p95 ${formatDuration(e.p95Ns ?? 0)}`;
      const errors = `${(e.errorRate * 100).toFixed(1)}% err`;
      const figures = `${p95} · ${errors}`;
      // Stacked lines, narrow enough for the gap between two columns of services.
      const label = risen ? [risen, p95, errors] : edges.length <= LABEL_ALL_UP_TO ? [p95, errors] : null;
      const name = `${e.caller} calls ${e.service}: ${figures}${risen ? `, ${risen}` : ""}`;
      return {
        id: e.id,
        type: "call",
        source: e.caller,
        target: e.service,
        data: { href: e.href, risen: risen !== null, label, name },
        ariaLabel: name,
        className: risen ? "risen" : undefined,
        animated: risen !== null,
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
        style: risen ? { stroke: "#dc2626", strokeWidth: 3 } : { strokeWidth: 1.25 },
      };
    });
    return { flowNodes, flowEdges };
  }, [nodes, edges]);

  return (
    <div className={`h-[70vh] min-h-[420px] w-full rounded border border-zinc-300 dark:border-zinc-700 ${THEME}`} data-testid="service-graph">
      <ReactFlow
        nodes={flowNodes}
        edges={flowEdges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        fitView
        minZoom={0.05}
        onlyRenderVisibleElements={nodes.length > 60}
        nodesConnectable={false}
        nodesDraggable={false}
        onNodeClick={(_, node) => router.push((node as ServiceNodeType).data.view.href)}
        onEdgeClick={(_, edge) => router.push(edge.data!.href)}
      >
        <Background />
        <Controls showInteractive={false} />
        {nodes.length > 30 && <MiniMap pannable zoomable />}
      </ReactFlow>
    </div>
  );
}
