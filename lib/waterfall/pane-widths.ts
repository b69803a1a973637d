import { z } from "zod";

/** The waterfall's resizable columns, in CSS pixels: the span names and the detail panel. */
export interface PaneWidths {
  name: number;
  detail: number;
}

export const DEFAULT_PANE_WIDTHS: PaneWidths = { name: 380, detail: 420 };
export const PANE_LIMITS = { name: { min: 160, max: 900 }, detail: { min: 260, max: 900 } } as const;

const clamp = (v: number, { min, max }: { min: number; max: number }) => Math.round(Math.min(max, Math.max(min, v)));

export function clampPaneWidths(w: PaneWidths): PaneWidths {
  return { name: clamp(w.name, PANE_LIMITS.name), detail: clamp(w.detail, PANE_LIMITS.detail) };
}

const stored = z.object({ name: z.number().finite(), detail: z.number().finite() });

/** What localStorage held, checked: anything unreadable gives the defaults. */
export function parsePaneWidths(text: string | null): PaneWidths {
  if (text === null) return DEFAULT_PANE_WIDTHS;
  try {
    const parsed = stored.safeParse(JSON.parse(text));
    return parsed.success ? clampPaneWidths(parsed.data) : DEFAULT_PANE_WIDTHS;
  } catch {
    return DEFAULT_PANE_WIDTHS;
  }
}

/** The localStorage key: per signed-in user, as two people may share a browser profile. */
export function paneWidthsKey(userId: string): string {
  return `trace-explorer:waterfall-panes:${userId}`;
}
