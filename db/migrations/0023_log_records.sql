-- OTLP log records (issue 20). custom SQL
-- One row per log record, partitioned by day on its time (the record's time, else its observed
-- time) like spans, so retention drops whole days. record_id is a hash of everything the row
-- holds (lib/ingest/logs/record-id.ts): a retried export inserts nothing twice (ON CONFLICT DO
-- NOTHING). The body keeps its OTLP type beside it: body is the value as attribute values are
-- stored (lib/attributes/stored-value.ts), NULL for an empty body.
CREATE TABLE "log_records" (
	"tenant_id" text NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"time_sub_us_ns" smallint DEFAULT 0 NOT NULL CONSTRAINT "log_records_time_sub_us_ns_check" CHECK ("time_sub_us_ns" BETWEEN 0 AND 999),
	"record_id" bigint NOT NULL,
	"observed_time_ns" bigint,
	"severity_number" smallint DEFAULT 0 NOT NULL CONSTRAINT "log_records_severity_number_check" CHECK ("severity_number" BETWEEN 0 AND 24),
	"severity_text" text,
	"body_type" text NOT NULL CONSTRAINT "log_records_body_type_check" CHECK ("body_type" IN ('empty', 'string', 'bool', 'int', 'double', 'array', 'kvlist', 'bytes')),
	"body" jsonb,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"resource_id" bigint NOT NULL,
	"scope_id" bigint NOT NULL,
	"trace_id" uuid,
	"span_id" bigint,
	"flags" integer DEFAULT 0 NOT NULL,
	"event_name" text,
	"dropped_attributes_count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "log_records_tenant_id_time_record_id_pk" PRIMARY KEY("tenant_id","time","record_id")
) PARTITION BY RANGE ("time");
--> statement-breakpoint
-- "All logs of a trace", in time order; the primary key serves "a tenant's logs in a window".
CREATE INDEX "log_records_trace_idx" ON "log_records" ("tenant_id", "trace_id", "time") WHERE "trace_id" IS NOT NULL;
--> statement-breakpoint
-- Text search over bodies within a tenant and window: full text with the 'simple' configuration
-- (words as written, no stemming or stop words), which needs no extension. A string body is
-- searched as its text, any other as its JSON.
CREATE INDEX "log_records_body_search_idx" ON "log_records" USING gin (to_tsvector('simple'::regconfig, coalesce("body" #>> '{}', '')));
--> statement-breakpoint
ALTER TABLE log_records ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE log_records FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY log_records_owner ON log_records TO CURRENT_USER USING (true) WITH CHECK (true);
--> statement-breakpoint
CREATE POLICY log_records_reader ON log_records FOR SELECT TO te_reader USING (app_tenant_visible(tenant_id));
--> statement-breakpoint
CREATE POLICY log_records_writer ON log_records TO te_writer USING (true) WITH CHECK (true);
--> statement-breakpoint
CREATE POLICY log_records_app ON log_records TO te_app USING (true) WITH CHECK (true);
--> statement-breakpoint
GRANT SELECT ON log_records TO te_reader;
--> statement-breakpoint
-- Ingest inserts through the parent (its policy lets te_writer write every row), so the
-- partitions need no grants of their own.
GRANT SELECT, INSERT ON log_records TO te_writer;
--> statement-breakpoint
-- The daily log partitions from from_day to to_day, created if missing, as
-- ensure_span_partitions makes the span ones; ingest calls it for its records' days and the
-- retention run for the days ahead.
CREATE OR REPLACE FUNCTION ensure_log_partitions(from_day date, to_day date)
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
    part := 'log_records_p' || to_char(d, 'YYYYMMDD');
    IF to_regclass('public.' || part) IS NULL THEN
      BEGIN
        EXECUTE format(
          'CREATE TABLE %I PARTITION OF log_records FOR VALUES FROM (%L) TO (%L)',
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
REVOKE ALL ON FUNCTION ensure_log_partitions(date, date) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION ensure_log_partitions(date, date) TO te_writer, te_app;
--> statement-breakpoint
SELECT ensure_log_partitions((now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + 7);
