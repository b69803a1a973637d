"use client";

import { useEffect, type KeyboardEvent, type RefObject } from "react";
import type { ViewWindow } from "@/lib/waterfall/time-axis";
import type { TraceModel } from "@/lib/waterfall/trace-model";
import type { VisibleRows } from "@/lib/waterfall/tree-rows";
import { ROW_HEIGHT } from "./layout";
import { SpanRow } from "./span-row";
import { useRowWindow } from "./use-row-window";

export interface ScrollRequest {
  row: number;
  /** A new number asks again for the same row. */
  seq: number;
}

interface Props {
  model: TraceModel;
  rows: VisibleRows;
  view: ViewWindow;
  selected: number;
  collapsed: ReadonlySet<number>;
  matches: Uint8Array | null;
  currentMatch: number;
  critical: Map<number, number[]> | null;
  scrollRef: RefObject<HTMLDivElement | null>;
  scrollTo: ScrollRequest | null;
  onSelect: (span: number) => void;
  onToggle: (span: number) => void;
  onKeyDown: (event: KeyboardEvent<HTMLDivElement>) => void;
}

/** The windowed span tree: only the rows on screen (plus a few) are in the DOM. */
export function SpanRows(props: Props) {
  const { model, rows, view, selected, collapsed, matches, currentMatch, critical, scrollRef, scrollTo } = props;
  const { first, end, scrollToRow } = useRowWindow(scrollRef, rows.count, ROW_HEIGHT, 8);

  useEffect(() => {
    if (scrollTo && scrollTo.row >= 0) scrollToRow(scrollTo.row);
  }, [scrollTo, scrollToRow]);

  const items = [];
  for (let row = first; row < end; row++) {
    const span = rows.span[row]!;
    items.push(
      <SpanRow
        key={span}
        model={model}
        span={span}
        top={row * ROW_HEIGHT}
        view={view}
        selected={span === selected}
        match={span === currentMatch ? 2 : matches?.[span] ? 1 : 0}
        collapsed={collapsed.has(span)}
        critical={critical?.get(span)}
        onSelect={props.onSelect}
        onToggle={props.onToggle}
      />,
    );
  }

  return (
    <div
      ref={scrollRef}
      role="tree"
      aria-label="Spans"
      tabIndex={0}
      data-testid="waterfall"
      className="relative min-h-0 flex-1 overflow-auto outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
      onKeyDown={props.onKeyDown}
    >
      <div style={{ height: rows.count * ROW_HEIGHT, position: "relative" }}>
        {items}
      </div>
    </div>
  );
}
