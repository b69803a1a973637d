CREATE TABLE "span_rollup_delta" (
	"tenant_id" text NOT NULL,
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
	"wait_weights" double precision[] DEFAULT '{}'::float8[] NOT NULL
);
--> statement-breakpoint
-- custom SQL
-- Ingest COPYs spans straight into their day's partition: Postgres refuses COPY into a table
-- with row-level security, and te_writer's policy on spans lets it write every row anyway
-- (0003), so the partitions, which have no policies, get INSERT for te_writer and nothing
-- for te_reader (reads go through spans and its policies). Partitions are made here, so the
-- grant comes with each one.
CREATE OR REPLACE FUNCTION ensure_span_partitions(from_day date, to_day date)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  d date;
  part text;
  created integer := 0;
BEGIN
  IF to_day < from_day THEN
    RAISE EXCEPTION 'to_day % is before from_day %', to_day, from_day;
  END IF;
  IF to_day - from_day > 400 THEN
    RAISE EXCEPTION 'refusing to create more than 400 partitions at once';
  END IF;
  d := from_day;
  WHILE d <= to_day LOOP
    part := 'spans_p' || to_char(d, 'YYYYMMDD');
    IF to_regclass('public.' || part) IS NULL THEN
      BEGIN
        EXECUTE format(
          'CREATE TABLE %I PARTITION OF spans FOR VALUES FROM (%L) TO (%L)',
          part,
          (d::timestamp AT TIME ZONE 'UTC'),
          ((d + 1)::timestamp AT TIME ZONE 'UTC')
        );
        EXECUTE format('GRANT INSERT ON %I TO te_writer', part);
        created := created + 1;
      EXCEPTION WHEN duplicate_table THEN
        -- A concurrent caller created it first; that is the outcome we wanted.
        NULL;
      END;
    END IF;
    d := d + 1;
  END LOOP;
  RETURN created;
END;
$$;
--> statement-breakpoint
DO $$
DECLARE
  part text;
BEGIN
  FOR part IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'spans'::regclass LOOP
    EXECUTE format('GRANT INSERT ON %I TO te_writer', part);
  END LOOP;
END
$$;
--> statement-breakpoint
-- The partitions ingest COPYs a request's spans into, one per day from from_day to to_day,
-- created if missing. A day whose table exists but is not attached (the purge detached it and
-- has not dropped it yet) fails like a missing partition: rows written there would be lost.
CREATE OR REPLACE FUNCTION ingest_span_partitions(from_day date, to_day date)
RETURNS text[]
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  names text[];
BEGIN
  PERFORM ensure_span_partitions(from_day, to_day);
  SELECT array_agg('spans_p' || to_char(d, 'YYYYMMDD') ORDER BY d) INTO names
  FROM generate_series(from_day, to_day, interval '1 day') AS d;
  IF (SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'spans'::regclass AND c.relname = ANY(names)) <> cardinality(names) THEN
    RAISE EXCEPTION 'no partition of relation "spans" is attached for a day from % to %', from_day, to_day
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN names;
END;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION ingest_span_partitions(date, date) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION ingest_span_partitions(date, date) TO te_writer;
--> statement-breakpoint
-- Merges two per-trace attribute summaries (lib/ingest/trace-attributes.ts): the stored
-- values first, then new ones, each value once, at most max_values per key and the
-- alphabetically first max_keys keys.
CREATE OR REPLACE FUNCTION trace_attributes_merge(stored jsonb, added jsonb, max_keys integer, max_values integer)
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  WITH pairs AS (
    SELECT e.key, v.value, 0 AS src, v.ord
    FROM jsonb_each(coalesce(stored, '{}')) e, jsonb_array_elements(e.value) WITH ORDINALITY v(value, ord)
    UNION ALL
    SELECT e.key, v.value, 1, v.ord
    FROM jsonb_each(coalesce(added, '{}')) e, jsonb_array_elements(e.value) WITH ORDINALITY v(value, ord)
  ), firsts AS (
    SELECT DISTINCT ON (key, value) key, value, src, ord FROM pairs ORDER BY key, value, src, ord
  ), ranked AS (
    SELECT key, value, src, ord,
           row_number() OVER (PARTITION BY key ORDER BY src, ord) AS nth,
           dense_rank() OVER (ORDER BY key) AS nth_key
    FROM firsts
  )
  SELECT coalesce(jsonb_object_agg(key, vals), '{}'::jsonb)
  FROM (SELECT key, jsonb_agg(value ORDER BY nth) AS vals FROM ranked
        WHERE nth <= max_values AND nth_key <= max_keys GROUP BY key) k
$$;
--> statement-breakpoint
ALTER TABLE span_rollup_delta ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE span_rollup_delta FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY span_rollup_delta_owner ON span_rollup_delta TO CURRENT_USER USING (true) WITH CHECK (true);
--> statement-breakpoint
CREATE POLICY span_rollup_delta_writer ON span_rollup_delta FOR INSERT TO te_writer WITH CHECK (true);
--> statement-breakpoint
GRANT INSERT ON span_rollup_delta TO te_writer;
