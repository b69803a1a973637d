import "server-only";

/**
 * Minute rows packed into their hour rows (issue #22, storage). A minute rollup's grain-1 rows
 * cost a row and a primary-key entry each, and on small tenants a minute summarises about two
 * spans; once its hour has ended, the packer (lib/ingest/derivations/pack-minutes.ts) moves them into the hour row's
 * `minutes` array (one element of a composite type per minute: its offset in the hour and its
 * figures) and deletes them. Readers see both forms through `minuteRows` (lib/latency/rollup-sql.ts), which gives a packed
 * minute exactly the columns and values its row had.
 *
 * A packed minute is stored sparse: a field is NULL when its value is implied (`copies`, `zeros`,
 * `single`), which is most of them for a tenant that keeps all its traces and has no queue wait,
 * and the histogram too when the minute saw one span (half the packed minutes on the demo day). Only
 * `packedFields` writes an element and only `restoredFields` reads one.
 */
export interface MinuteRollup {
  /** Trusted text, never input. */
  table: "span_rollup" | "service_map_rollup";
  /** The composite type of one packed minute: `at` (minutes from the hour's start), then `figures`. */
  type: string;
  /** What a row is per besides tenant_id, grain and minute, in table order. */
  keys: readonly string[];
  /** The figures, in table (and composite type) order. */
  figures: readonly string[];
  /** Histogram figures as (buckets, weights) pairs, merged bucket by bucket; every other figure is summed. */
  histograms: readonly (readonly [string, string])[];
  /**
   * Weighted figures and the count each equals (as float8) when every span weighs 1, the usual
   * case (a tenant that keeps all its traces): packed NULL when bit-identical to it.
   */
  copies: Readonly<Record<string, string>>;
  /** Figures usually 0 (or an empty histogram), packed NULL when they are. */
  zeros: readonly string[];
  /**
   * A histogram of one observation: its one bucket is rollup_bucket of `sum` and its one weight is
   * `weight`, as for a minute of one span. Each of the pair is packed NULL when that gives it back.
   */
  single: { buckets: string; weights: string; sum: string; weight: string };
  /** The advisory lock its folder takes (lib/ingest/derivations/fold-deltas.ts, given it from here): packing takes it too, so packs and folds take turns. */
  lock: number;
}

export const SPAN_ROLLUP: MinuteRollup = {
  table: "span_rollup",
  type: "span_rollup_minute",
  keys: ["service", "operation", "kind", "job_name"],
  figures: [
    "span_count", "error_count", "retry_count", "duration_sum_ns", "weighted_count", "weighted_errors", "weighted_retries",
    "weighted_duration_ns", "buckets", "weights", "wait_count", "wait_sum_ns", "wait_weighted", "wait_buckets", "wait_weights",
  ],
  histograms: [["buckets", "weights"], ["wait_buckets", "wait_weights"]],
  copies: {
    weighted_count: "span_count", weighted_errors: "error_count", weighted_retries: "retry_count",
    weighted_duration_ns: "duration_sum_ns", wait_weighted: "wait_count",
  },
  // A minute without errors, retries or queue wait (98.7 % have no wait on the demo day).
  zeros: ["error_count", "retry_count", "wait_count", "wait_sum_ns", "wait_buckets", "wait_weights"],
  single: { buckets: "buckets", weights: "weights", sum: "duration_sum_ns", weight: "weighted_count" },
  lock: 7_201_115,
};

export const SERVICE_MAP_ROLLUP: MinuteRollup = {
  table: "service_map_rollup",
  type: "service_map_minute",
  keys: ["caller", "service"],
  figures: ["call_count", "error_count", "duration_sum_ns", "weighted_count", "weighted_errors", "weighted_duration_ns", "buckets", "weights"],
  histograms: [["buckets", "weights"]],
  copies: { weighted_count: "call_count", weighted_errors: "error_count", weighted_duration_ns: "duration_sum_ns" },
  zeros: ["error_count"],
  single: { buckets: "buckets", weights: "weights", sum: "duration_sum_ns", weight: "weighted_count" },
  lock: 7_201_116,
};

export const MINUTE_ROLLUPS = [SPAN_ROLLUP, SERVICE_MAP_ROLLUP] as const;

/** The primary key's columns. */
export const keyColumns = (r: MinuteRollup) => ["tenant_id", "grain", "minute", ...r.keys];

/** A stored row's columns, its packed minutes left out: the key, then the figures. */
export const storedColumns = (r: MinuteRollup) => [...keyColumns(r), ...r.figures];

/** storedColumns qualified by `alias`. */
export const rowColumns = (r: MinuteRollup, alias: string) => storedColumns(r).map((c) => `${alias}.${c}`).join(", ");

/** The start of a packed minute of hour row `hour`. */
export const packedMinute = (hour: string, m: string) => `${hour}.minute + ${m}.at * interval '1 minute'`;

const histogramOf = (r: MinuteRollup, figure: string) => r.histograms.find((h) => h.includes(figure));

/** `figure`'s zero: an empty histogram or 0. */
const zeroOf = (r: MinuteRollup, figure: string) => (histogramOf(r, figure) ? "'{}'" : "0");

/** The value of `figure` of packed minute `m`, its implied value when the field is NULL. */
function restored(r: MinuteRollup, m: string, figure: string): string {
  const { single } = r;
  if (figure === single.buckets) return `coalesce(${m}.${figure}, ARRAY[rollup_bucket(${restored(r, m, single.sum)})])`;
  if (figure === single.weights) return `coalesce(${m}.${figure}, ARRAY[${restored(r, m, single.weight)}])`;
  const copied = r.copies[figure];
  if (copied) return `coalesce(${m}.${figure}, ${restored(r, m, copied)}::float8)`;
  return r.zeros.includes(figure) ? `coalesce(${m}.${figure}, ${zeroOf(r, figure)})` : `${m}.${figure}`;
}

/** Packed minute `m`'s figures, each named and exactly as its row had it: the one reader of packed fields. */
export const restoredFields = (r: MinuteRollup, m: string) => r.figures.map((f) => `${restored(r, m, f)} AS ${f}`);

/**
 * The composite fields (after `at`) of a minute whose figures are `s`'s columns: NULL where
 * restoredFields gives back the same value exactly (float8 compared bit for bit: -0 is not 0).
 */
export const packedFields = (r: MinuteRollup, s: string) =>
  r.figures.map((f) => {
    const { single } = r;
    if (f === single.buckets) return `CASE WHEN ${s}.${f} = ARRAY[rollup_bucket(${s}.${single.sum})] THEN NULL ELSE ${s}.${f} END`;
    if (f === single.weights) {
      return `CASE WHEN cardinality(${s}.${f}) = 1 AND float8send(${s}.${f}[1]) = float8send(${s}.${single.weight}) THEN NULL ELSE ${s}.${f} END`;
    }
    const copied = r.copies[f];
    if (copied) return `CASE WHEN float8send(${s}.${f}) = float8send(${s}.${copied}::float8) THEN NULL ELSE ${s}.${f} END`;
    return r.zeros.includes(f) ? `NULLIF(${s}.${f}, ${zeroOf(r, f)})` : `${s}.${f}`;
  });

/** Packed minutes `m` of hour rows `hour` as stored minute rows: rowColumns' columns, in order. */
export const unpackedColumns = (r: MinuteRollup, hour: string, m: string) =>
  [`${hour}.tenant_id`, "1::smallint AS grain", `${packedMinute(hour, m)} AS minute`, ...r.keys.map((k) => `${hour}.${k}`), ...restoredFields(r, m)].join(", ");

/**
 * Each figure of minutes (or rows) `a` and `b` added, in `figures` order: counts and weights
 * summed, histograms merged bucket by bucket (rollup_merge_*). Both must be whole: a minute only
 * one side has is the caller's to keep as it is.
 */
export function addedFigures(r: MinuteRollup, a: string, b: string): string[] {
  return r.figures.map((f) => {
    const h = histogramOf(r, f);
    if (!h) return `${a}.${f} + ${b}.${f}`;
    const [buckets, weights] = h;
    return f === buckets
      ? `rollup_merge_buckets(${a}.${buckets}, ${b}.${buckets})`
      : `rollup_merge_weights(${a}.${buckets}, ${a}.${weights}, ${b}.${buckets}, ${b}.${weights})`;
  });
}

/**
 * `ON CONFLICT` clause adding rows (`EXCLUDED`, in rowColumns' order and sorted by key, so
 * concurrent writers lock shared rows in one order) to the stored ones (alias `r`): the folders',
 * the rebuilds' and retention's one merge.
 */
export function mergeOnConflict(r: MinuteRollup): string {
  const added = addedFigures(r, "r", "EXCLUDED");
  return `ON CONFLICT (${keyColumns(r).join(", ")}) DO UPDATE SET ${r.figures.map((f, i) => `${f} = ${added[i]}`).join(", ")}`;
}
