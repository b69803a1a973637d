"use client";

import { useCallback, useEffect, useState, type RefObject } from "react";

export interface RowWindow {
  /** First row to render. */
  first: number;
  /** One past the last row to render. */
  end: number;
}

function windowOf(el: HTMLElement, count: number, rowHeight: number, overscan: number): RowWindow {
  const first = Math.max(0, Math.floor(el.scrollTop / rowHeight) - overscan);
  const end = Math.min(count, Math.ceil((el.scrollTop + el.clientHeight) / rowHeight) + overscan);
  return { first, end: Math.max(first, end) };
}

/**
 * The rows of a fixed-height list that are on screen (plus `overscan` either side), from the
 * scroll position alone: O(1) per scroll and per change of the row count, where a general
 * virtualizer keeps a measurement per row (100,000 objects rebuilt on every expand).
 */
export function useRowWindow(scrollRef: RefObject<HTMLElement | null>, count: number, rowHeight: number, overscan: number) {
  const [win, setWin] = useState<RowWindow>({ first: 0, end: Math.min(count, 60) });
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const update = () => {
      const next = windowOf(el, count, rowHeight, overscan);
      setWin((w) => (w.first === next.first && w.end === next.end ? w : next));
    };
    update();
    el.addEventListener("scroll", update, { passive: true });
    const resize = new ResizeObserver(update);
    resize.observe(el);
    return () => {
      el.removeEventListener("scroll", update);
      resize.disconnect();
    };
  }, [scrollRef, count, rowHeight, overscan]);

  /** Scrolls just enough for the row to be fully visible. */
  const scrollToRow = useCallback(
    (row: number) => {
      const el = scrollRef.current;
      if (!el) return;
      const top = row * rowHeight;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
    },
    [scrollRef, rowHeight],
  );
  return { first: Math.min(win.first, count), end: Math.min(win.end, count), scrollToRow };
}
