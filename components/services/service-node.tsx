"use client";

import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { formatDuration } from "@/lib/format/duration";
import { escapeInvisible } from "@/lib/format/visible-text";
import type { NodeView } from "./map-data";

export type ServiceNodeType = Node<{ view: NodeView }, "service">;

/** Calls per second, minute or hour: whichever shows at least one tenth. */
function rate(perSecond: number): string {
  if (perSecond >= 0.1) return `${perSecond.toFixed(perSecond >= 10 ? 0 : 1)}/s`;
  if (perSecond * 60 >= 0.1) return `${(perSecond * 60).toFixed(1)}/min`;
  return `${(perSecond * 3600).toFixed(1)}/h`;
}

/** A service: its name and RED numbers (rate, error rate, p95 of its entry spans). */
export function ServiceNode({ data }: NodeProps<ServiceNodeType>) {
  const { view } = data;
  const f = view.figures;
  const failing = f !== null && f.errorRate >= 0.05;
  return (
    <div
      className={`h-full w-full cursor-pointer rounded border bg-white px-2 py-1 text-xs shadow-sm dark:bg-zinc-900 ${failing ? "border-red-600 border-2" : "border-zinc-400 dark:border-zinc-600"}`}
      data-testid="service-node"
      data-service={view.service}
      title={`${view.service}: open its latency view`}
    >
      <Handle type="target" position={Position.Left} className="!h-1 !w-1 !min-w-0 !border-0 !bg-zinc-400" />
      <div className="truncate font-semibold">{escapeInvisible(view.service)}</div>
      {f ? (
        <div className="text-zinc-600 dark:text-zinc-400">
          {rate(view.perSecond)} · {(f.errorRate * 100).toFixed(1)}% err{failing ? " ⚠" : ""}
          <br />
          p95 {f.p95Ns === null ? "–" : formatDuration(f.p95Ns)}
        </div>
      ) : (
        <div className="text-zinc-500">calls only</div>
      )}
      <Handle type="source" position={Position.Right} className="!h-1 !w-1 !min-w-0 !border-0 !bg-zinc-400" />
    </div>
  );
}
