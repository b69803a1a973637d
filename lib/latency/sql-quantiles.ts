import "server-only";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import { bucketMiddleNs, DISPLAY_GROUP } from "./buckets";

/**
 * Quantiles computed in SQL from merged rollup histograms, so a view returns one row per
 * group instead of every (group, bucket) cell. A query builds a CTE `cells (<keys>, b, w)`
 * holding each group's merged histogram (bucket index b, summed weight w); `cumulative` and
 * `quantileBucket` then pick, per group, the first bucket whose cumulative weight reaches
 * q of the group's total, as percentile_disc picks the first value reaching its rank. The
 * operations table merges its histograms in JavaScript instead (merged-histogram.ts), by the
 * same rule.
 */

type Fragment = PendingQuery<Row[]>;

/** Every cell of `cells` with its group's running weight (`c`, ascending buckets) and total. */
export const cumulative = (tx: TransactionSql, keys: Fragment) =>
  tx`SELECT cells.*, sum(w) OVER (PARTITION BY ${keys} ORDER BY b) AS c, sum(w) OVER (PARTITION BY ${keys}) AS total FROM cells`;

/**
 * The q-quantile's bucket index of a group of `cumulative` rows (an aggregate expression);
 * null for a group without weight. The relative tolerance keeps summed float weights from
 * stepping past the bucket that holds the rank.
 */
export const quantileBucket = (tx: TransactionSql, q: number) =>
  tx`CASE WHEN max(total) > 0 THEN coalesce(min(b) FILTER (WHERE c >= ${q}::float8 * total * (1 - 1e-12)), max(b)) END`;

/** A display band (about ×2 wide, lib/latency/buckets.ts) of a bucket index, in SQL. */
export const displayBucket = (tx: TransactionSql, b: Fragment) => tx`floor(${b}::int / ${DISPLAY_GROUP}::int)::int`;

/** A quantile's bucket index as a duration: the bucket's geometric middle (≤ 2.5% off). */
export const middleNs = (b: number | null): number | null => (b === null ? null : bucketMiddleNs(b));
