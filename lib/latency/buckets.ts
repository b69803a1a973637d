/**
 * The rollup's latency buckets (db/migrations rollup_bucket): bucket b holds durations in
 * [GROWTH^b, GROWTH^(b+1)) nanoseconds. Reading a bucket at its geometric middle is off by
 * at most √GROWTH − 1 ≈ 2.5% from any duration in it.
 */
export const GROWTH = 1.05;

/** Fine buckets per display bucket: 1.05^14 ≈ 1.98, so charts show doubling latency bands. */
export const DISPLAY_GROUP = 14;

export type Histogram = ReadonlyMap<number, number>;

export const bucketLowerNs = (b: number) => GROWTH ** b;
export const bucketUpperNs = (b: number) => GROWTH ** (b + 1);
export const bucketMiddleNs = (b: number) => GROWTH ** (b + 0.5);

export const displayBucketOf = (b: number) => Math.floor(b / DISPLAY_GROUP);
export const displayLowerNs = (d: number) => bucketLowerNs(d * DISPLAY_GROUP);
export const displayUpperNs = (d: number) => bucketLowerNs((d + 1) * DISPLAY_GROUP);

/** Adds `weight` to bucket `b` of a mutable histogram. */
export function addTo(hist: Map<number, number>, b: number, weight: number): void {
  hist.set(b, (hist.get(b) ?? 0) + weight);
}

export function totalWeight(hist: Histogram): number {
  let total = 0;
  for (const w of hist.values()) total += w;
  return total;
}

/**
 * The q-quantile (0 < q ≤ 1) of a weighted histogram: the middle of the first bucket whose
 * cumulative weight reaches q of the total, as percentile_disc picks the first value reaching
 * it. Null for an empty histogram.
 */
export function quantileNs(hist: Histogram, q: number): number | null {
  const total = totalWeight(hist);
  if (total <= 0) return null;
  const target = q * total;
  let seen = 0;
  const buckets = [...hist.keys()].sort((a, b) => a - b);
  for (const b of buckets) {
    seen += hist.get(b)!;
    // A relative tolerance: summed float weights must not step past the bucket that holds the rank.
    if (seen >= target * (1 - 1e-12)) return bucketMiddleNs(b);
  }
  return bucketMiddleNs(buckets[buckets.length - 1]!);
}

/** Groups fine buckets into display buckets (about ×2 wide). */
export function toDisplayBuckets(hist: Histogram): Map<number, number> {
  const out = new Map<number, number>();
  for (const [b, w] of hist) addTo(out, displayBucketOf(b), w);
  return out;
}
