CREATE TABLE "span_rollup" (
	"tenant_id" text NOT NULL,
	"grain" smallint NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"service" text NOT NULL,
	"operation" text NOT NULL,
	"kind" smallint NOT NULL,
	"job_name" text DEFAULT '' NOT NULL,
	"span_count" bigint DEFAULT 0 NOT NULL,
	"error_count" bigint DEFAULT 0 NOT NULL,
	"retry_count" bigint DEFAULT 0 NOT NULL,
	"duration_sum_ns" bigint DEFAULT 0 NOT NULL,
	"weighted_count" double precision DEFAULT 0 NOT NULL,
	"weighted_errors" double precision DEFAULT 0 NOT NULL,
	"weighted_retries" double precision DEFAULT 0 NOT NULL,
	"weighted_duration_ns" double precision DEFAULT 0 NOT NULL,
	"buckets" smallint[] DEFAULT '{}'::smallint[] NOT NULL,
	"weights" double precision[] DEFAULT '{}'::float8[] NOT NULL,
	"wait_count" bigint DEFAULT 0 NOT NULL,
	"wait_sum_ns" bigint DEFAULT 0 NOT NULL,
	"wait_weighted" double precision DEFAULT 0 NOT NULL,
	"wait_buckets" smallint[] DEFAULT '{}'::smallint[] NOT NULL,
	"wait_weights" double precision[] DEFAULT '{}'::float8[] NOT NULL,
	CONSTRAINT "span_rollup_tenant_id_grain_minute_service_operation_kind_job_name_pk" PRIMARY KEY("tenant_id","grain","minute","service","operation","kind","job_name")
);
--> statement-breakpoint
CREATE INDEX "span_rollup_grain_minute_idx" ON "span_rollup" USING btree ("grain","minute");
--> statement-breakpoint
-- custom SQL
-- The latency histogram's bucket of a duration: bucket b holds [1.05^b, 1.05^(b+1)) ns, so a
-- percentile read at a bucket's geometric middle is within 2.5% (lib/latency/buckets.ts).
CREATE OR REPLACE FUNCTION rollup_bucket(duration_ns bigint) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT floor(ln(greatest(duration_ns, 1)::float8) / ln(1.05))::smallint $$;
--> statement-breakpoint
-- Merging two sparse histograms: the bucket union, ascending, and the summed weights aligned
-- to it (the same order, so the two functions always agree).
CREATE OR REPLACE FUNCTION rollup_merge_buckets(a smallint[], b smallint[]) RETURNS smallint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{}') FROM unnest(a || b) AS x $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION rollup_merge_weights(ab smallint[], aw float8[], bb smallint[], bw float8[]) RETURNS float8[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT coalesce(array_agg(w ORDER BY x), '{}')
  FROM (SELECT x, sum(w) AS w FROM unnest(ab || bb, aw || bw) AS u(x, w) GROUP BY x) s
$$;
--> statement-breakpoint
-- Tenant isolation on the rollup as on spans and traces (0003).
ALTER TABLE span_rollup ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE span_rollup FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY span_rollup_owner ON span_rollup TO CURRENT_USER USING (true) WITH CHECK (true);
--> statement-breakpoint
CREATE POLICY span_rollup_reader ON span_rollup FOR SELECT TO te_reader USING (app_tenant_visible(tenant_id));
--> statement-breakpoint
CREATE POLICY span_rollup_writer ON span_rollup TO te_writer USING (true) WITH CHECK (true);
--> statement-breakpoint
GRANT SELECT ON span_rollup TO te_reader;
--> statement-breakpoint
-- SELECT too: an upsert reads the row it updates.
GRANT SELECT, INSERT, UPDATE ON span_rollup TO te_writer;
