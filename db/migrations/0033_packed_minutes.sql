-- Issue 22 (storage): a minute row of span_rollup or service_map_rollup cost ~260 B and a ~90-B
-- primary-key entry for about two spans on small tenants. Once its hour has ended the packer
-- (lib/ingest/derivations/pack-minutes.ts) moves it into its hour row's `minutes`, one element
-- per minute: its offset in the hour (`at`, 0-59) and its figures, in the table's column order.
-- A field is NULL where its value is implied (a weighted figure equal to its count, a zero wait):
-- lib/latency/packed-minutes.ts (packedFields, restoredFields).
-- A `minutes` of NULL (no packed minute) costs a row nothing; adding the column rewrites no row.
CREATE TYPE "span_rollup_minute" AS (
	"at" smallint,
	"span_count" bigint,
	"error_count" bigint,
	"retry_count" bigint,
	"duration_sum_ns" bigint,
	"weighted_count" double precision,
	"weighted_errors" double precision,
	"weighted_retries" double precision,
	"weighted_duration_ns" double precision,
	"buckets" smallint[],
	"weights" double precision[],
	"wait_count" bigint,
	"wait_sum_ns" bigint,
	"wait_weighted" double precision,
	"wait_buckets" smallint[],
	"wait_weights" double precision[]
);
--> statement-breakpoint
CREATE TYPE "service_map_minute" AS (
	"at" smallint,
	"call_count" bigint,
	"error_count" bigint,
	"duration_sum_ns" bigint,
	"weighted_count" double precision,
	"weighted_errors" double precision,
	"weighted_duration_ns" double precision,
	"buckets" smallint[],
	"weights" double precision[]
);
--> statement-breakpoint
ALTER TABLE "span_rollup" ADD COLUMN "minutes" "span_rollup_minute"[];
--> statement-breakpoint
ALTER TABLE "service_map_rollup" ADD COLUMN "minutes" "service_map_minute"[];
