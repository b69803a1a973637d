-- Daily partitions of spans, created ahead of time. SECURITY DEFINER so the ingest role can
-- create the partition for a day it is about to write without owning the table.
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
SELECT ensure_span_partitions((now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + 7);
--> statement-breakpoint
-- The dashboard reads as te_reader and ingest writes as te_writer (SET LOCAL ROLE per
-- transaction). Neither owns a table, so row-level security will apply to both.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'te_reader') THEN
    CREATE ROLE te_reader NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'te_writer') THEN
    CREATE ROLE te_writer NOLOGIN;
  END IF;
END
$$;
--> statement-breakpoint
GRANT te_reader, te_writer TO CURRENT_USER;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO te_reader, te_writer;
--> statement-breakpoint
GRANT SELECT ON spans, traces, resources, tenants TO te_reader;
--> statement-breakpoint
GRANT INSERT ON audit_log TO te_reader, te_writer;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE audit_log_id_seq TO te_reader, te_writer;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON spans, traces, resources TO te_writer;
--> statement-breakpoint
GRANT SELECT ON tenants TO te_writer;
--> statement-breakpoint
GRANT SELECT, UPDATE (last_used_at) ON ingest_keys TO te_writer;
--> statement-breakpoint
REVOKE ALL ON FUNCTION ensure_span_partitions(date, date) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION ensure_span_partitions(date, date) TO te_writer;
