-- custom SQL
-- Sealed traces (issue 22, docs/sealed-traces.md): a quiet, decided trace's spans as compressed
-- segments (lib/traces/segments) instead of rows. Partitioned by day on the segment's earliest
-- span start, like spans on theirs, so retention drops both by day; a segment's spans never
-- start before their trace, which is what the partition drop relies on.
CREATE TABLE "span_segments" (
	"tenant_id" text NOT NULL,
	"trace_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"start_time" timestamp with time zone NOT NULL,
	"end_time" timestamp with time zone NOT NULL,
	"span_count" integer NOT NULL CONSTRAINT "span_segments_span_count_check" CHECK ("span_count" > 0),
	"segment" bytea NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "span_segments_tenant_id_trace_id_seq_start_time_pk" PRIMARY KEY("tenant_id","trace_id","seq","start_time")
) PARTITION BY RANGE ("start_time");
--> statement-breakpoint
-- Segments are compressed already: pglz would only spend time failing to shrink them.
ALTER TABLE span_segments ALTER COLUMN segment SET STORAGE EXTERNAL;
--> statement-breakpoint
ALTER TABLE span_segments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE span_segments FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY span_segments_owner ON span_segments TO CURRENT_USER USING (true) WITH CHECK (true);
--> statement-breakpoint
CREATE POLICY span_segments_reader ON span_segments FOR SELECT TO te_reader USING (app_tenant_visible(tenant_id));
--> statement-breakpoint
CREATE POLICY span_segments_writer ON span_segments TO te_writer USING (true) WITH CHECK (true);
--> statement-breakpoint
CREATE POLICY span_segments_app ON span_segments TO te_app USING (true) WITH CHECK (true);
--> statement-breakpoint
GRANT SELECT ON span_segments TO te_reader;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON span_segments TO te_writer;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON span_segments TO te_app;
--> statement-breakpoint
-- A day with a span partition gets a segment partition too: wherever a span can be stored, its
-- sealed form can be. Still the span count, as callers and tests read it.
CREATE OR REPLACE FUNCTION ensure_span_partitions(from_day date, to_day date)
RETURNS integer
LANGUAGE sql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$ SELECT ensure_day_partitions('span_segments', from_day, to_day, false); SELECT ensure_day_partitions('spans', from_day, to_day, true) $$;
--> statement-breakpoint
DO $$
DECLARE
  d date;
BEGIN
  FOR d IN
    SELECT to_date(substring(c.relname FROM '^spans_p([0-9]{8})$'), 'YYYYMMDD')
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'spans'::regclass AND c.relname ~ '^spans_p[0-9]{8}$'
  LOOP
    PERFORM ensure_day_partitions('span_segments', d, d, false);
  END LOOP;
END;
$$;
