-- custom SQL
-- One definition of how a day's partition is made, for spans and log records alike:
-- ensure_span_partitions (0001, 0009) and ensure_log_partitions (0023) were the same loop
-- with another table name, and differed only in the INSERT grant ingest's COPY needs on span
-- partitions (log records are inserted through log_records and its policies). Both keep their
-- names, signatures, grants and behaviour, and call this one. Not SECURITY DEFINER and not
-- executable by the app's roles: it runs as the owner, inside the two functions that are.
CREATE OR REPLACE FUNCTION ensure_day_partitions(parent text, from_day date, to_day date, writer_inserts boolean)
RETURNS integer
LANGUAGE plpgsql
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
    part := parent || '_p' || to_char(d, 'YYYYMMDD');
    IF to_regclass('public.' || part) IS NULL THEN
      BEGIN
        EXECUTE format(
          'CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
          part,
          parent,
          (d::timestamp AT TIME ZONE 'UTC'),
          ((d + 1)::timestamp AT TIME ZONE 'UTC')
        );
        IF writer_inserts THEN
          EXECUTE format('GRANT INSERT ON %I TO te_writer', part);
        END IF;
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
REVOKE ALL ON FUNCTION ensure_day_partitions(text, date, date, boolean) FROM PUBLIC;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION ensure_span_partitions(from_day date, to_day date)
RETURNS integer
LANGUAGE sql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$ SELECT ensure_day_partitions('spans', from_day, to_day, true) $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION ensure_log_partitions(from_day date, to_day date)
RETURNS integer
LANGUAGE sql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$ SELECT ensure_day_partitions('log_records', from_day, to_day, false) $$;
