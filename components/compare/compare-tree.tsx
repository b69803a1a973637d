"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { useCallback, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { alignTraces, biggestDifference, diffOf, sortedByDifference, weightsOf, type Alignment, type Change, type NodeDiff } from "@/lib/compare/align";
import { CHANGE_LABELS, formatDelta } from "@/lib/compare/format";
import { formatCount } from "@/lib/format/count";
import { formatDuration } from "@/lib/format/duration";
import type { TraceHeader } from "@/lib/traces/trace/trace-header";
import { spanIdOf, type TraceModel } from "@/lib/waterfall/trace-model";
import { collapseAll, revealed, toggled, visibleRows } from "@/lib/waterfall/tree-rows";
import { VisibleName } from "@/components/format/visible-name";
import { traceHref } from "@/lib/traces/trace/trace-href";
import { ROW_HEIGHT } from "@/components/waterfall/layout";
import { CHANGE_BADGE } from "./change-style";
import { CompareRow, compareRowId, DELTA_COLUMN, nodeName, NUMBER_COLUMN } from "./compare-row";

const rowHeight = () => ROW_HEIGHT;
const button = "rounded border border-zinc-300 px-2 py-0.5 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800";
const CHANGES: Change[] = ["slower", "faster", "only-a", "only-b", "similar"];

interface Props {
  a: TraceHeader;
  b: TraceHeader;
  A: TraceModel;
  B: TraceModel;
}

/** The aligned tree: legend and tools, then the rows, virtualized like the waterfall's. */
export function CompareTree({ a, b, A, B }: Props) {
  const aligned = useMemo(() => alignTraces(A, B), [A, B]);
  const diffs = useMemo(() => Array.from({ length: aligned.size }, (_, n) => diffOf(aligned, A, B, n)), [aligned, A, B]);
  const weights = useMemo(() => weightsOf(aligned, A, B), [aligned, A, B]);
  const counts = useMemo(() => {
    const c: Record<Change, number> = { slower: 0, faster: 0, similar: 0, "only-a": 0, "only-b": 0 };
    for (const d of diffs) c[d.change]++;
    return c;
  }, [diffs]);
  const [byDifference, setByDifference] = useState(false);
  const tree = useMemo(() => (byDifference ? sortedByDifference(aligned, weights) : aligned), [byDifference, aligned, weights]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(new Set());
  const [selected, setSelected] = useState(-1);
  const rows = useMemo(() => visibleRows(tree, collapsed), [tree, collapsed]);
  const scale = useMemo(() => weights.reduce((m, w) => Math.max(m, w), 0), [weights]);
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: rows.count, getScrollElement: () => scrollRef.current, estimateSize: rowHeight, overscan: 8 });

  const show = useCallback(
    (node: number) => {
      if (node < 0) return;
      const open = revealed(tree, collapsed, node);
      setCollapsed(open);
      setSelected(node);
      // The rows with the node expanded: scroll once they are laid out.
      const row = visibleRows(tree, open).rowOf[node]!;
      requestAnimationFrame(() => virtualizer.scrollToIndex(row, { align: "center" }));
      scrollRef.current?.focus();
    },
    [tree, collapsed, virtualizer],
  );
  const toggle = useCallback((node: number) => setCollapsed((c) => toggled(c, node)), []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const row = selected >= 0 ? rows.rowOf[selected]! : -1;
    const kids = selected >= 0 ? tree.childOffset[selected + 1]! - tree.childOffset[selected]! : 0;
    let next = -1;
    if (e.key === "ArrowDown") next = rows.span[Math.min(rows.count - 1, row + 1)]!;
    else if (e.key === "ArrowUp") next = rows.span[Math.max(0, row - 1)]!;
    else if (e.key === "ArrowRight" && kids > 0 && collapsed.has(selected)) toggle(selected);
    else if (e.key === "ArrowLeft" && kids > 0 && !collapsed.has(selected)) toggle(selected);
    else if (e.key === "ArrowLeft" && selected >= 0) next = tree.parent[selected]!;
    else return;
    e.preventDefault();
    if (next >= 0) {
      setSelected(next);
      virtualizer.scrollToIndex(rows.rowOf[next]!, { align: "auto" });
    }
  };

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="mb-2 flex flex-wrap items-center gap-2 text-xs" data-testid="compare-tools">
        <button type="button" className={button} onClick={() => show(biggestDifference(aligned, weights))} data-testid="jump-biggest">
          Jump to biggest difference
        </button>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={byDifference} onChange={(e) => setByDifference(e.target.checked)} />
          Sort siblings by difference
        </label>
        <button type="button" className={button} onClick={() => setCollapsed(new Set())}>
          Expand all
        </button>
        <button type="button" className={button} onClick={() => setCollapsed(collapseAll(tree))}>
          Collapse all
        </button>
        <ul className="ml-auto flex flex-wrap gap-2" aria-label="Spans by change" data-testid="compare-legend">
          {CHANGES.map((c) => (
            <li key={c} className={`rounded px-1.5 ${CHANGE_BADGE[c]}`}>
              {CHANGE_LABELS[c]} {formatCount(counts[c])}
            </li>
          ))}
        </ul>
      </div>
      <SelectedNode a={a} b={b} A={A} B={B} tree={tree} node={selected} diff={selected >= 0 ? diffs[selected]! : null} />
      <div className="flex min-h-0 flex-1 flex-col rounded border border-zinc-200 dark:border-zinc-800">
        <div className="flex items-center border-b border-zinc-200 py-1 text-xs text-zinc-500 dark:border-zinc-800" aria-hidden>
          <span className="flex-1 px-2">Span (service, operation)</span>
          <span className={NUMBER_COLUMN}>A</span>
          <span className={NUMBER_COLUMN}>B</span>
          <span className={`${DELTA_COLUMN} pl-3`}>B − A</span>
        </div>
        <div
          ref={scrollRef}
          role="tree"
          aria-label="Spans of both traces"
          aria-activedescendant={selected >= 0 && virtualizer.getVirtualItems().some((i) => i.index === rows.rowOf[selected]) ? compareRowId(selected) : undefined}
          tabIndex={0}
          data-testid="compare-tree"
          data-rows={rows.count}
          className="relative min-h-0 flex-1 overflow-auto outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
          onKeyDown={onKeyDown}
        >
          <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
            {virtualizer.getVirtualItems().map((item) => {
              const node = rows.span[item.index]!;
              return (
                <CompareRow
                  key={node}
                  tree={tree}
                  A={A}
                  B={B}
                  node={node}
                  diff={diffs[node]!}
                  top={item.start}
                  selected={node === selected}
                  collapsed={collapsed.has(node)}
                  scale={scale}
                  onSelect={setSelected}
                  onToggle={toggle}
                />
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}

/** The selected span's comparison in words, with links to it in each trace. */
function SelectedNode({ a, b, A, B, tree, node, diff }: Props & { tree: Alignment; node: number; diff: NodeDiff | null }) {
  if (node < 0 || !diff) {
    return (
      <p className="mb-2 text-xs text-zinc-500" data-testid="compare-selected">
        Select a span, or jump to the biggest difference.
      </p>
    );
  }
  const { service, name } = nodeName(tree, A, B, node);
  const link = (header: TraceHeader, model: TraceModel, span: number, label: string) =>
    span >= 0 ? (
      <Link href={`${traceHref(header.traceId, header.tenantId)}&span=${spanIdOf(model, span)}`} prefetch={false} className="underline">
        {label}
      </Link>
    ) : null;
  return (
    <p className="mb-2 flex flex-wrap items-center gap-x-2 text-xs" role="status" data-testid="compare-selected">
      <span className={`rounded px-1 font-medium ${CHANGE_BADGE[diff.change]}`}>{CHANGE_LABELS[diff.change]}</span>
      <span className="font-medium">
        <span className="text-zinc-500"><VisibleName text={service} /></span> <VisibleName text={name} />
      </span>
      <span className="tabular-nums">
        A {diff.durationA === null ? "—" : formatDuration(Math.round(diff.durationA))} · B {diff.durationB === null ? "—" : formatDuration(Math.round(diff.durationB))} ·
      </span>
      <span data-testid="selected-delta">{formatDelta(diff)}</span>
      {link(a, A, tree.a[node]!, "open in A")}
      {link(b, B, tree.b[node]!, "open in B")}
    </p>
  );
}
