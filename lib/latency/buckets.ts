/**
 * The rollup's latency buckets (db/migrations rollup_bucket): bucket b holds durations in
 * [GROWTH^b, GROWTH^(b+1)) nanoseconds. Reading a bucket at its geometric middle is off by
 * at most √GROWTH − 1 ≈ 2.5% from any duration in it.
 */
export const GROWTH = 1.05;

/** Fine buckets per display bucket: 1.05^14 ≈ 1.98, so charts show doubling latency bands. */
export const DISPLAY_GROUP = 14;

export const bucketLowerNs = (b: number) => GROWTH ** b;
export const bucketUpperNs = (b: number) => GROWTH ** (b + 1);
export const bucketMiddleNs = (b: number) => GROWTH ** (b + 0.5);

export const displayBucketOf = (b: number) => Math.floor(b / DISPLAY_GROUP);
export const displayLowerNs = (d: number) => bucketLowerNs(d * DISPLAY_GROUP);
export const displayUpperNs = (d: number) => bucketLowerNs((d + 1) * DISPLAY_GROUP);
