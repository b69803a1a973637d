"use client";

import { useCallback, useRef, useState } from "react";
import { clampPaneWidths, paneWidthsKey, parsePaneWidths, type PaneWidths } from "@/lib/waterfall/pane-widths";

/**
 * The waterfall's column widths, read from localStorage once (the waterfall renders only in the
 * browser, after the spans are in) and written back when a drag or key press ends.
 */
export function usePaneWidths(userId: string): { widths: PaneWidths; change: (w: Partial<PaneWidths>) => void; keep: () => void } {
  const key = paneWidthsKey(userId);
  const [widths, setWidths] = useState(() => parsePaneWidths(readStorage(key)));
  const latest = useRef(widths);
  const change = useCallback((w: Partial<PaneWidths>) => {
    latest.current = clampPaneWidths({ ...latest.current, ...w });
    setWidths(latest.current);
  }, []);
  const keep = useCallback(() => {
    try {
      localStorage.setItem(key, JSON.stringify(latest.current));
    } catch {
      // Storage full or disabled (private mode): the widths last for this page only.
    }
  }, [key]);
  return { widths, change, keep };
}

function readStorage(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
