"use client";

import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps } from "@xyflow/react";
import Link from "next/link";

export type CallEdgeType = Edge<{ href: string; label: readonly string[] | null; name: string; risen: boolean }, "call">;

/**
 * A call between two services. Its label is a link in React Flow's label layer, above every
 * edge and node (a risen call's above the rest): drawn inside the SVG, a label lay under any
 * later edge's wide invisible hit path, and a click on it opened that other call's traces, and
 * under the nodes, which hid the label of a short call.
 */
export function CallEdge({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, style, data }: EdgeProps<CallEdgeType>) {
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} style={style} />
      {data?.label && (
        <EdgeLabelRenderer>
          <Link
            href={data.href}
            className={`nodrag nopan absolute rounded bg-white/90 px-1 text-center text-[11px] leading-[13px] whitespace-nowrap hover:underline dark:bg-zinc-900/90 ${data.risen ? "z-[1002] font-semibold text-red-700 dark:text-red-400" : "z-[1001] text-zinc-700 dark:text-zinc-300"}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`, pointerEvents: "all" }}
            aria-label={`Traces of the call ${data.name}`}
            data-testid="edge-label"
            data-edge={id}
          >
            {data.label.map((line) => (
              <span key={line} className="block">
                {line}
              </span>
            ))}
          </Link>
        </EdgeLabelRenderer>
      )}
    </>
  );
}
