"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useLayoutEffect, useState, type KeyboardEvent, type RefObject } from "react";
import type { ViewWindow } from "@/lib/waterfall/time-axis";
import type { TraceAnalysis } from "@/lib/waterfall/trace-analysis";
import type { LogMarker } from "@/lib/waterfall/trace-logs";
import type { TraceModel } from "@/lib/waterfall/trace-model";
import type { VisibleRows } from "@/lib/waterfall/tree-rows";
import { ROW_HEIGHT } from "./layout";
import { SpanRow, spanRowId } from "./span-row";

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
  critical: Pick<TraceAnalysis, "segments" | "waits"> | null;
  /** Log markers by span, once the logs are in. */
  logs: Map<number, LogMarker[]> | null;
  scrollRef: RefObject<HTMLDivElement | null>;
  scrollTo: ScrollRequest | null;
  /** The name column's width in pixels (the rest of the rows' width is the timeline). */
  nameWidth: number;
  onSelect: (span: number) => void;
  onToggle: (span: number) => void;
  onEvent: (span: number, event: number, tick: HTMLElement | null) => void;
  onKeyDown: (event: KeyboardEvent<HTMLDivElement>) => void;
}

/*
 * Module-level so the virtualizer's options keep their identity between renders: its layout is
 * memoized on count and getItemKey, and rebuilds (one pass over every row) only when they change,
 * i.e. on expand/collapse, not on scroll. No getItemKey (the index is the key) and no
 * measureElement, as every row has the same height.
 */
const rowHeight = () => ROW_HEIGHT;

/** The virtualized span tree: only the rows on screen (plus a few) are in the DOM. */
export function SpanRows(props: Props) {
  const { model, rows, view, selected, collapsed, matches, currentMatch, critical, scrollRef, scrollTo } = props;
  // The virtualizer re-renders this component on scroll itself; nothing here relies on memoizing it.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.count,
    getScrollElement: () => scrollRef.current,
    estimateSize: rowHeight,
    overscan: 8,
  });

  // The rows' width, for where each duration label fits; re-measured when the window or a splitter moves.
  const [rowsWidth, setRowsWidth] = useState(0);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setRowsWidth(el.clientWidth);
    measure();
    const resize = new ResizeObserver(measure);
    resize.observe(el);
    return () => resize.disconnect();
  }, [scrollRef]);
  const timelinePx = Math.max(0, rowsWidth - props.nameWidth);

  useEffect(() => {
    if (scrollTo && scrollTo.row >= 0) virtualizer.scrollToIndex(scrollTo.row, { align: "auto" });
  }, [scrollTo, virtualizer]);

  return (
    <div
      ref={scrollRef}
      role="tree"
      aria-label="Spans"
      // Only a row in the DOM can be named; a selected row scrolled out of the window is announced by the live region alone.
      aria-activedescendant={selected >= 0 && virtualizer.getVirtualItems().some((i) => i.index === rows.rowOf[selected]) ? spanRowId(selected) : undefined}
      tabIndex={0}
      data-testid="waterfall"
      className="relative min-h-0 flex-1 overflow-auto outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
      onKeyDown={props.onKeyDown}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {virtualizer.getVirtualItems().map((item) => {
          const span = rows.span[item.index]!;
          return (
            <SpanRow
              key={span}
              model={model}
              span={span}
              top={item.start}
              view={view}
              selected={span === selected}
              match={span === currentMatch ? 2 : matches?.[span] ? 1 : 0}
              collapsed={collapsed.has(span)}
              critical={critical?.segments.get(span)}
              wait={critical?.waits.get(span)}
              logs={props.logs?.get(span)}
              timelinePx={timelinePx}
              onSelect={props.onSelect}
              onToggle={props.onToggle}
              onEvent={props.onEvent}
            />
          );
        })}
      </div>
    </div>
  );
}
