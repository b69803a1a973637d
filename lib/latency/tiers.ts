/**
 * Which rollup rows cover a window (db/schema-rollup.ts grains): the coarsest grain for the
 * whole periods inside it, finer grains at its edges, so a day reads about a hundred
 * quarter-hour rows per tenant instead of 1,440 minutes per operation.
 */
export interface Piece {
  grain: number;
  from: Date;
  to: Date;
}

const MINUTE = 60_000;

/** The tenant totals grain: all operations of a tenant per quarter hour. */
export const TOTALS_GRAIN = 15;
export const HOUR_GRAIN = 60;
/**
 * Six hours per operation: a rolling 24 h window holds three or four whole blocks, where a day
 * grain would fit none unless the window were aligned to UTC days.
 */
export const SIX_HOUR_GRAIN = 360;
/** The per-operation grains, coarsest first, for views that need no step (tables). */
export const OPERATION_GRAINS = [SIX_HOUR_GRAIN, HOUR_GRAIN] as const;

function cover(fromMs: number, toMs: number, grains: readonly number[]): Piece[] {
  const [grain, ...finer] = grains;
  if (grain === undefined || fromMs >= toMs) return [];
  if (finer.length === 0) return [{ grain, from: new Date(fromMs), to: new Date(toMs) }];
  const width = grain * MINUTE;
  const start = Math.ceil(fromMs / width) * width;
  const end = Math.floor(toMs / width) * width;
  if (start >= end) return cover(fromMs, toMs, finer);
  return [...cover(fromMs, start, finer), { grain, from: new Date(start), to: new Date(end) }, ...cover(end, toMs, finer)];
}

/**
 * Pieces covering [from, to) at minute precision (a minute counts when it starts in the
 * window). `grains` are the coarse grains allowed, coarsest first; minutes fill the rest.
 */
export function coverWindow(from: Date, to: Date, grains: readonly number[]): Piece[] {
  return cover(Math.floor(from.getTime() / MINUTE) * MINUTE, to.getTime(), [...grains, 1]);
}

/**
 * The grains a per-step chart may read: a row must not straddle two steps. Charts over every
 * operation read tenant totals; filtered ones read hours of the operations.
 */
export function chartGrains(stepMinutes: number, allOperations: boolean): number[] {
  const grains = allOperations ? [TOTALS_GRAIN] : OPERATION_GRAINS;
  return grains.filter((grain) => stepMinutes % grain === 0);
}
