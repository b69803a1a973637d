import { sql } from "drizzle-orm";
import { packedMinutes } from "./schema-rollup";
import { bigint, doublePrecision, index, pgTable, primaryKey, smallint, text, timestamp } from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const count = (name: string) => bigint(name, { mode: "number" }).notNull().default(0);
const weight = (name: string) => doublePrecision(name).notNull().default(0);

/** What a service map row is per, besides tenant and period (fresh builders per table). */
const edgeKey = () => ({
  // '' for the service's own row; a primary key column cannot be NULL.
  caller: text("caller").notNull().default(""),
  service: text("service").notNull(),
});

/** The figures of one row (fresh builders per table): RED numbers, re-weighted, and a sparse latency histogram. */
const figures = () => ({
  callCount: count("call_count"),
  errorCount: count("error_count"),
  durationSumNs: count("duration_sum_ns"),
  weightedCount: weight("weighted_count"),
  weightedErrors: weight("weighted_errors"),
  weightedDurationNs: weight("weighted_duration_ns"),
  buckets: smallint("buckets").array().notNull().default(sql`'{}'::smallint[]`),
  weights: doublePrecision("weights").array().notNull().default(sql`'{}'::float8[]`),
});

/**
 * The service map per tenant and period, maintained at ingest
 * (lib/ingest/derivations/service-map.ts) so the map never scans spans. A row with `caller`
 * '' is the service's own: its entry spans (roots, server and consumer spans). Any other row is
 * an edge: spans of `service` whose parent span belongs to `caller`, with the child spans'
 * figures. Grains (period in minutes from `minute`) 1 and 60; histograms as span_rollup's, and
 * minute rows of ended hours packed into their hour row's `minutes` as span_rollup's are.
 */
export const serviceMapRollup = pgTable(
  "service_map_rollup",
  {
    tenantId: text("tenant_id").notNull(),
    grain: smallint("grain").notNull(),
    minute: ts("minute").notNull(),
    ...edgeKey(),
    ...figures(),
    minutes: packedMinutes("service_map_minute"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.grain, t.minute, t.caller, t.service] }),
    // Maps over all tenants filter no tenant; the retention purge deletes by minute.
    index("service_map_rollup_grain_minute_idx").on(t.grain, t.minute),
  ],
);

/** Minute rows ingest added and the folder has not merged yet: insert-only, as span_rollup_delta. */
export const serviceMapDelta = pgTable("service_map_delta", {
  tenantId: text("tenant_id").notNull(),
  minute: ts("minute").notNull(),
  ...edgeKey(),
  ...figures(),
});
