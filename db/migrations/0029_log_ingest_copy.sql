-- custom SQL
-- Ingest COPYs log records straight into their day's partition, as it does spans (0009): the
-- insert's sixteen parameter arrays cost the ingest process more to build and send than COPY
-- text (BENCHMARKS.md, Logs, session 10). COPY needs INSERT on the partitions themselves:
-- ensure_log_partitions now grants it to te_writer as ensure_span_partitions does, and the
-- partitions already made get it here. Reading through log_records and its policies is unchanged.
CREATE OR REPLACE FUNCTION ensure_log_partitions(from_day date, to_day date)
RETURNS integer
LANGUAGE sql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$ SELECT ensure_day_partitions('log_records', from_day, to_day, true) $$;
--> statement-breakpoint
DO $$
DECLARE
  part text;
BEGIN
  FOR part IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'log_records'::regclass LOOP
    EXECUTE format('GRANT INSERT ON %I TO te_writer', part);
  END LOOP;
END;
$$;
--> statement-breakpoint
-- The days' partitions of a table partitioned by day, by name, once its caller has made them;
-- a day whose table exists but is not attached (the purge detached it and has not dropped it
-- yet) fails like a missing partition: rows written there would be lost. ingest_span_partitions'
-- check (0009), for any parent; that function is left as it is, for it makes its partitions with
-- ensure_span_partitions, which makes more than span partitions.
CREATE OR REPLACE FUNCTION attached_day_partitions(parent text, from_day date, to_day date)
RETURNS text[]
LANGUAGE plpgsql
SET search_path = public, pg_temp
AS $$
DECLARE
  names text[];
BEGIN
  SELECT array_agg(parent || '_p' || to_char(d, 'YYYYMMDD') ORDER BY d) INTO names
  FROM generate_series(from_day, to_day, interval '1 day') AS d;
  IF (SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = parent::regclass AND c.relname = ANY(names)) <> cardinality(names) THEN
    RAISE EXCEPTION 'no partition of relation "%" is attached for a day from % to %', parent, from_day, to_day
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN names;
END;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION attached_day_partitions(text, date, date) FROM PUBLIC;
--> statement-breakpoint
-- The partitions ingest COPYs a request's log records into, one per day, created if missing.
CREATE OR REPLACE FUNCTION ingest_log_partitions(from_day date, to_day date)
RETURNS text[]
LANGUAGE sql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$ SELECT ensure_log_partitions(from_day, to_day); SELECT attached_day_partitions('log_records', from_day, to_day) $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION ingest_log_partitions(date, date) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION ingest_log_partitions(date, date) TO te_writer;
