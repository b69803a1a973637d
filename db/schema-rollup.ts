import { sql } from "drizzle-orm";
import { bigint, customType, doublePrecision, index, pgTable, primaryKey, smallint, text, timestamp } from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const count = (name: string) => bigint(name, { mode: "number" }).notNull().default(0);
const weight = (name: string) => doublePrecision(name).notNull().default(0);

/**
 * An hour row's packed minutes (migration 0033 creates the composite types, which drizzle cannot
 * declare; db/declared-schema.test.ts takes them from the migrations). Only SQL reads and
 * writes them (lib/latency/packed-minutes.ts), never drizzle.
 */
export const packedMinutes = (type: "span_rollup_minute" | "service_map_minute") =>
  customType<{ data: string }>({ dataType: () => `${type}[]` })("minutes");

/** What a rollup row is per, besides tenant and period (fresh builders per table). */
const operationKey = () => ({
  service: text("service").notNull(),
  operation: text("operation").notNull(),
  kind: smallint("kind").notNull(),
  // '' when the span is not a job's: a primary key column cannot be NULL.
  jobName: text("job_name").notNull().default(""),
});

/** The figures of one rollup row (fresh builders per table). */
const figures = () => ({
  spanCount: count("span_count"),
  errorCount: count("error_count"),
  retryCount: count("retry_count"),
  durationSumNs: count("duration_sum_ns"),
  weightedCount: weight("weighted_count"),
  weightedErrors: weight("weighted_errors"),
  weightedRetries: weight("weighted_retries"),
  weightedDurationNs: weight("weighted_duration_ns"),
  buckets: smallint("buckets").array().notNull().default(sql`'{}'::smallint[]`),
  weights: doublePrecision("weights").array().notNull().default(sql`'{}'::float8[]`),
  waitCount: count("wait_count"),
  waitSumNs: count("wait_sum_ns"),
  waitWeighted: weight("wait_weighted"),
  waitBuckets: smallint("wait_buckets").array().notNull().default(sql`'{}'::smallint[]`),
  waitWeights: doublePrecision("wait_weights").array().notNull().default(sql`'{}'::float8[]`),
});

/**
 * Latency rollup per tenant, service, operation, span kind, job name and minute, maintained at
 * ingest (lib/ingest/derivations/rollup.ts) so the latency views never scan spans. Coarser grains of the
 * same figures let long windows read few rows (lib/latency/tiers.ts): `grain` is the period in
 * minutes starting at `minute` — 1, 60 and 360 per operation, and 15 for a tenant's total over all
 * operations (service, operation and job name '', kind 0). Histograms are sparse:
 * `buckets` holds the log-bucket indexes present (growth 1.05, see rollup_bucket) in ascending
 * order and `weights` the re-weighted span count of each. Queue wait (enqueue to a job's first
 * attempt starting) is kept the same way on the job's consumer rows.
 *
 * Minute rows of ended hours do not stay rows: the packer (lib/ingest/derivations/pack-minutes.ts)
 * moves them into their hour row's `minutes` (NULL on every other row), one element per minute
 * with its offset in the hour and these figures (a field NULL where implied, e.g. a weighted
 * figure equal to its count), and every reader of minutes reads both forms
 * (minuteRows, lib/latency/rollup-sql.ts). A minute row for a late span is packed into the
 * hour's minutes by the next pack, its figures added to the minute's.
 */
export const spanRollup = pgTable(
  "span_rollup",
  {
    tenantId: text("tenant_id").notNull(),
    grain: smallint("grain").notNull(),
    minute: ts("minute").notNull(),
    ...operationKey(),
    ...figures(),
    minutes: packedMinutes("span_rollup_minute"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.grain, t.minute, t.service, t.operation, t.kind, t.jobName] }),
    // Views over all tenants filter no tenant; the retention purge deletes by minute.
    index("span_rollup_grain_minute_idx").on(t.grain, t.minute),
  ],
);

export type SpanRollupRow = typeof spanRollup.$inferSelect;


/**
 * What ingest transactions added to the rollup and the folder (lib/ingest/derivations/rollup-folder.ts) has
 * not yet merged into `span_rollup`: one row per request and minute-grain key, insert-only, so
 * concurrent ingest never waits on another's rollup rows. Folding deletes the rows it merges,
 * in one transaction, so each is counted exactly once.
 */
export const spanRollupDelta = pgTable("span_rollup_delta", {
  tenantId: text("tenant_id").notNull(),
  minute: ts("minute").notNull(),
  ...operationKey(),
  ...figures(),
});
