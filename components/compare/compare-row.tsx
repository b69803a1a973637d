"use client";

import { memo } from "react";
import { formatDuration } from "@/lib/format/duration";
import type { AlignedTrace, Alignment, NodeDiff } from "@/lib/compare/align";
import { CHANGE_LABELS, formatDelta } from "@/lib/compare/format";
import { guidesFor } from "@/lib/waterfall/tree-rows";
import { escapeInvisible } from "@/lib/format/visible-text";
import { VisibleName } from "@/components/format/visible-name";
import { ROW_HEIGHT } from "@/components/waterfall/layout";
import { TreeCell } from "@/components/waterfall/span-row";
import { CHANGE_BADGE, CHANGE_BAR } from "./change-style";

/** The numeric columns' widths, shared with the column headers. */
export const NUMBER_COLUMN = "flex w-20 shrink-0 items-center justify-end tabular-nums";
export const DELTA_COLUMN = "w-56 shrink-0";

export const compareRowId = (node: number) => `compare-row-${node}`;

/** Service and operation of a node, from whichever trace has its span. */
export function nodeName(al: Alignment, A: AlignedTrace, B: AlignedTrace, node: number): { service: string; name: string } {
  const [t, i] = al.a[node]! >= 0 ? [A, al.a[node]!] : [B, al.b[node]!];
  return { service: t.services[t.service[i]!]!, name: t.names[t.name[i]!]! };
}

interface Props {
  tree: Alignment;
  A: AlignedTrace;
  B: AlignedTrace;
  node: number;
  diff: NodeDiff;
  top: number;
  selected: boolean;
  collapsed: boolean;
  /** The largest difference in the tree: the bars' full width. */
  scale: number;
  onSelect: (node: number) => void;
  onToggle: (node: number) => void;
}

const dur = (ns: number | null) => (ns === null ? "—" : formatDuration(Math.round(ns)));

/** One aligned span: the tree column, its duration in A and in B, and the difference with a bar. */
export const CompareRow = memo(function CompareRow({ tree, A, B, node, diff, top, selected, collapsed, scale, onSelect, onToggle }: Props) {
  const kids = tree.childOffset[node + 1]! - tree.childOffset[node]!;
  const { service, name } = nodeName(tree, A, B, node);
  const label = CHANGE_LABELS[diff.change];
  const barWidth = scale > 0 ? Math.max(diff.weight > 0 ? 1 : 0, (diff.weight / scale) * 100) : 0;
  return (
    <div
      role="treeitem"
      id={compareRowId(node)}
      aria-level={tree.depth[node]! + 1}
      aria-expanded={kids > 0 ? !collapsed : undefined}
      aria-selected={selected}
      aria-label={escapeInvisible(`${service} ${name}, ${label}, ${formatDelta(diff)}`)}
      data-testid="compare-row"
      data-change={diff.change}
      className={`absolute left-0 flex w-full cursor-pointer text-xs ${
        selected ? "bg-sky-100 outline outline-1 -outline-offset-1 outline-sky-700 dark:bg-sky-900 dark:outline-sky-400" : "hover:bg-zinc-50 dark:hover:bg-zinc-900"
      }`}
      style={{ height: ROW_HEIGHT, transform: `translateY(${top}px)` }}
      onClick={() => onSelect(node)}
    >
      <div className="flex min-w-0 flex-1 items-center overflow-hidden whitespace-nowrap pr-2">
        <TreeCell guides={guidesFor(tree, node)} kids={kids} collapsed={collapsed} name={name} onToggle={() => onToggle(node)} />
        <span className={`mr-1.5 w-12 shrink-0 rounded px-1 text-center text-[10px] font-medium ${CHANGE_BADGE[diff.change]}`} data-testid="change-label">
          {label}
        </span>
        <span className="mr-1 shrink-0 text-zinc-500"><VisibleName text={service} /></span>
        <span className="truncate"><VisibleName text={name} /></span>
        {collapsed && <span className="ml-1 shrink-0 rounded bg-zinc-200 px-1 text-[10px] text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400">{kids}</span>}
      </div>
      <span className={NUMBER_COLUMN}>{dur(diff.durationA)}</span>
      <span className={NUMBER_COLUMN}>{dur(diff.durationB)}</span>
      <span className={`${DELTA_COLUMN} flex items-center gap-2 pl-3`}>
        <span className="h-1.5 w-16 shrink-0 rounded bg-zinc-100 dark:bg-zinc-800" aria-hidden>
          <span className={`block h-1.5 rounded ${CHANGE_BAR[diff.change]}`} style={{ width: `${barWidth}%` }} />
        </span>
        <span className="truncate tabular-nums" data-testid="delta">{formatDelta(diff)}</span>
      </span>
    </div>
  );
});
