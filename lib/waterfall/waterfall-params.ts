import { z } from "zod";
import type { ViewWindow } from "./time-axis";

/**
 * `?zoom=<start>-<end>`: the visible window in whole nanoseconds since the trace's start, so a
 * shared link opens zoomed as its sender saw it. Anything else is ignored (the whole trace).
 */
const zoomParam = z
  .string()
  .regex(/^\d{1,16}-\d{1,16}$/)
  .transform((s) => s.split("-").map(Number) as [number, number])
  .refine(([start, end]) => start < end);

export function parseZoom(raw: unknown): ViewWindow | null {
  const parsed = zoomParam.safeParse(raw);
  return parsed.success ? { start: parsed.data[0], end: parsed.data[1] } : null;
}

export function formatZoom(view: ViewWindow): string {
  return `${Math.floor(view.start)}-${Math.ceil(view.end)}`;
}

/**
 * The window kept inside the trace (`full`), at least 1 µs wide; null when it covers the whole
 * trace (no zoom) or lies entirely outside it.
 */
export function clampZoom(view: ViewWindow, full: ViewWindow): ViewWindow | null {
  const start = Math.max(full.start, view.start);
  const end = Math.min(full.end, Math.max(view.end, start + 1_000));
  if (start >= full.end || end <= start) return null;
  if (start <= full.start && end >= full.end) return null;
  return { start, end };
}
