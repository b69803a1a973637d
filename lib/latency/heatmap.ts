import type { HeatmapCell } from "./types";

/**
 * The heatmap's rows, slowest band first: every display band between the fastest and the
 * slowest seen, so an empty band keeps its row and equal heights mean equal ratios of latency.
 */
export function heatmapBands(cells: readonly HeatmapCell[]): number[] {
  if (cells.length === 0) return [];
  const seen = cells.map((c) => c.bucket);
  const low = Math.min(...seen);
  const high = Math.max(...seen);
  return Array.from({ length: high - low + 1 }, (_, i) => high - i);
}

/** The steps to label on the time axis: about `count` of them, evenly spaced, the first always. */
export function timeTicks(steps: number, count = 5): number[] {
  if (steps <= 0) return [];
  const every = Math.max(1, Math.ceil(steps / count));
  return Array.from({ length: Math.ceil(steps / every) }, (_, i) => i * every);
}
