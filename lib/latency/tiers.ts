/**
 * Which rollup rows cover a window (db/schema-rollup.ts grains): the coarsest grain for the
 * whole periods inside it, finer grains at its edges, so a day reads about a hundred
 * quarter-hour rows per tenant instead of 1,440 minutes per operation.
 */
export interface Piece {
  grain: number;
  from: Date;
  to: Date;
  /** -1: the piece's rows are subtracted (signedCover). */
  sign: 1 | -1;
}

const MINUTE = 60_000;

/** The tenant totals grain: all operations of a tenant per quarter hour. */
export const TOTALS_GRAIN = 15;
export const HOUR_GRAIN = 60;
export const HOUR_MS = HOUR_GRAIN * MINUTE;
/** The start of the UTC hour holding `ms`: an hour row's `minute`. */
export const hourStart = (ms: number): Date => new Date(Math.floor(ms / HOUR_MS) * HOUR_MS);
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
  if (finer.length === 0) return [{ grain, from: new Date(fromMs), to: new Date(toMs), sign: 1 }];
  const width = grain * MINUTE;
  const start = Math.ceil(fromMs / width) * width;
  const end = Math.floor(toMs / width) * width;
  if (start >= end) return cover(fromMs, toMs, finer);
  return [...cover(fromMs, start, finer), { grain, from: new Date(start), to: new Date(end), sign: 1 }, ...cover(end, toMs, finer)];
}

/**
 * Pieces covering [from, to) at minute precision (a minute counts when it starts in the
 * window). `grains` are the coarse grains allowed, coarsest first; minutes fill the rest.
 */
export function coverWindow(from: Date, to: Date, grains: readonly number[]): Piece[] {
  return cover(Math.floor(from.getTime() / MINUTE) * MINUTE, to.getTime(), [...grains, 1]);
}

/**
 * Reading one period of a grain, relative to a minute: its rows and histogram cells on the
 * bench data (a minute ~250 rows and ~500 cells over every tenant, an hour ~1,200 and ~11k, six
 * hours ~1,500 and ~31k; BENCHMARKS.md, Latency). Only the ratios matter.
 */
const PERIOD_COST: Readonly<Record<number, number>> = { 1: 1, [HOUR_GRAIN]: 8, [SIX_HOUR_GRAIN]: 16 };

interface SignedCover {
  pieces: Piece[];
  cost: number;
}

const periodCost = (grain: number) => PERIOD_COST[grain] ?? grain;

function signed(fromMs: number, toMs: number, grains: readonly number[], sign: 1 | -1): SignedCover {
  if (fromMs === toMs) return { pieces: [], cost: 0 };
  if (fromMs > toMs) return signed(toMs, fromMs, grains, sign === 1 ? -1 : 1);
  const [grain, ...finer] = grains;
  if (grain === undefined) throw new RangeError("no grain to cover a window with");
  const width = grain * MINUTE;
  const periods = (lo: number, hi: number): SignedCover => ({
    pieces: [{ grain, from: new Date(lo), to: new Date(hi), sign }],
    cost: ((hi - lo) / width) * periodCost(grain),
  });
  if (finer.length === 0) return periods(fromMs, toMs);
  const [floorFrom, floorTo] = [Math.floor(fromMs / width) * width, Math.floor(toMs / width) * width];
  const [ceilFrom, ceilTo] = [Math.ceil(fromMs / width) * width, Math.ceil(toMs / width) * width];
  const using = (lo: number, hi: number): SignedCover => {
    const parts = [signed(fromMs, lo, finer, sign), periods(lo, hi), signed(hi, toMs, finer, sign)];
    return { pieces: parts.flatMap((c) => c.pieces), cost: parts.reduce((sum, c) => sum + c.cost, 0) };
  };
  // In order of preference at equal cost: the whole periods inside (coverWindow's choice), none
  // of this grain, then an edge rounded outwards with what lies outside the window subtracted.
  const options = [
    ...(ceilFrom < floorTo ? [using(ceilFrom, floorTo)] : []),
    signed(fromMs, toMs, finer, sign),
    ...[[floorFrom, floorTo], [ceilFrom, ceilTo], [floorFrom, ceilTo]].filter(([lo, hi]) => lo !== hi).map(([lo, hi]) => using(lo!, hi!)),
  ];
  return options.reduce((a, b) => (b.cost < a.cost ? b : a));
}

/**
 * Like coverWindow, but a piece may be subtracted (sign -1) when reading a whole period and
 * taking away its part outside the window reads fewer rows: a rolling day's edges of 43
 * minutes read the hour less 17 minutes. Only for readers that sum with the sign and never
 * hide a period by itself (the retention cut hides a block whole but not its subtracted parts).
 */
export function signedCover(from: Date, to: Date, grains: readonly number[]): Piece[] {
  const fromMs = Math.floor(from.getTime() / MINUTE) * MINUTE;
  const toMs = Math.ceil(to.getTime() / MINUTE) * MINUTE;
  return fromMs < toMs ? signed(fromMs, toMs, [...grains, 1], 1).pieces : [];
}

/**
 * The grains a per-step chart may read: a row must not straddle two steps. Charts over every
 * operation read tenant totals; filtered ones read hours of the operations.
 */
export function chartGrains(stepMinutes: number, allOperations: boolean): number[] {
  const grains = allOperations ? [TOTALS_GRAIN] : OPERATION_GRAINS;
  return grains.filter((grain) => stepMinutes % grain === 0);
}
