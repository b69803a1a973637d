import { GROWTH } from "./buckets";

/**
 * Rollup histograms merged in JavaScript. The operations table reads every rollup row of two
 * periods (hundreds of thousands of (bucket, weight) cells on a rolling day); Postgres sends
 * each group's histograms concatenated as text (`string_agg` of `array_to_string`), which costs
 * it a fraction of unnesting and hashing every cell, and they are summed here into a dense
 * array per group (BENCHMARKS.md, Latency).
 */

/** Every bucket a duration can fall in: rollup_bucket(d) for 1 ≤ d < 2^63 nanoseconds. */
export const BUCKET_COUNT = Math.floor((63 * Math.LN2) / Math.log(GROWTH)) + 1;

export type MergedHistogram = Float64Array;

export const emptyHistogram = (): MergedHistogram => new Float64Array(BUCKET_COUNT);

const COMMA = 44;
const ZERO = 48;
const NINE = 57;

/**
 * Reads the number starting at `from` in a comma-separated list: whole numbers (every bucket
 * index, most weights) by hand, anything else (a fraction, an exponent) with Number.
 */
function readNumber(text: string, from: number): [value: number, next: number] {
  let value = 0;
  let plain = true;
  let end = from;
  for (; end < text.length; end++) {
    const c = text.charCodeAt(end);
    if (c === COMMA) break;
    if (c >= ZERO && c <= NINE) value = value * 10 + (c - ZERO);
    else plain = false;
  }
  return [plain && end > from ? value : Number(text.slice(from, end)), end + 1];
}

/**
 * Adds `sign` × histograms given as comma-separated bucket indexes and their weights, aligned
 * (the `array_to_string` of `buckets` and of `weights` over the same rows in the same order).
 */
export function addHistogramText(into: MergedHistogram, buckets: string, weights: string, sign = 1): void {
  let i = 0;
  let j = 0;
  while (i < buckets.length) {
    if (j >= weights.length) throw new RangeError("more histogram buckets than weights");
    const [b, nextI] = readNumber(buckets, i);
    const [w, nextJ] = readNumber(weights, j);
    if (!Number.isInteger(b) || b < 0 || b >= BUCKET_COUNT) throw new RangeError(`not a latency bucket: ${b}`);
    if (Number.isNaN(w)) throw new RangeError("a histogram weight is not a number");
    into[b]! += sign * w;
    i = nextI;
    j = nextJ;
  }
  if (j < weights.length) throw new RangeError("more histogram weights than buckets");
}

/**
 * The q-quantile's bucket, picked as `quantileBucket` (lib/latency/sql-quantiles.ts) picks it
 * in SQL: the first bucket whose running weight reaches q of the total, within the same
 * relative tolerance; null for a histogram without weight. A bucket left with rounding noise
 * by a subtraction (|weight| ≤ 1e-12 of the total) counts as empty.
 */
export function quantileBucketOf(h: MergedHistogram, q: number): number | null {
  const total = h.reduce((sum, w) => sum + w, 0);
  if (!(total > 0)) return null;
  const noise = total * 1e-12;
  const rank = q * total * (1 - 1e-12);
  let running = 0;
  let last: number | null = null;
  for (let b = 0; b < h.length; b++) {
    if (h[b]! <= noise) continue;
    running += h[b]!;
    if (running >= rank) return b;
    last = b;
  }
  return last;
}
