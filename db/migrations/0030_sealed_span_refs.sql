-- custom SQL
-- Sealed traces' spans that /investigate finds across traces (issue 22, docs/sealed-traces.md):
-- a segment cannot be searched in SQL, so the sealer keeps, for the spans the investigate
-- indexes of 0006 hold (errors, retries, job and event ids) and the roots, the few columns those
-- views read, attributes trimmed to the keys they read. Partitioned by day on the span's start,
-- like spans: retention drops it by day with them.
CREATE TABLE "sealed_span_refs" (
	"tenant_id" text NOT NULL,
	"trace_id" uuid NOT NULL,
	"span_id" bigint NOT NULL,
	"start_time" timestamp with time zone NOT NULL,
	"parent_span_id" bigint,
	"service" text NOT NULL,
	"name" text NOT NULL,
	"duration_ns" bigint NOT NULL,
	"status_code" smallint NOT NULL,
	"status_message" text,
	"attributes" jsonb NOT NULL,
	"events" jsonb NOT NULL,
	CONSTRAINT "sealed_span_refs_tenant_id_trace_id_span_id_start_time_pk" PRIMARY KEY("tenant_id","trace_id","span_id","start_time")
) PARTITION BY RANGE ("start_time");
--> statement-breakpoint
-- As spans_retries_idx, spans_job_id_idx and spans_event_id_idx (0006); errors and roots are found by the key's (tenant, trace).
CREATE INDEX "sealed_span_refs_retries_idx" ON "sealed_span_refs" ("tenant_id", "start_time")
  WHERE "attributes" ? 'http.request.resend_count' OR ("attributes" ? 'job.attempt' AND "attributes" -> 'job.attempt' <> '1'::jsonb);
--> statement-breakpoint
CREATE INDEX "sealed_span_refs_job_id_idx" ON "sealed_span_refs" (("attributes" ->> 'job.id')) WHERE "attributes" ? 'job.id';
--> statement-breakpoint
CREATE INDEX "sealed_span_refs_event_id_idx" ON "sealed_span_refs" (("attributes" ->> 'event.id')) WHERE "attributes" ? 'event.id';
--> statement-breakpoint
ALTER TABLE sealed_span_refs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE sealed_span_refs FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY sealed_span_refs_owner ON sealed_span_refs TO CURRENT_USER USING (true) WITH CHECK (true);
--> statement-breakpoint
CREATE POLICY sealed_span_refs_reader ON sealed_span_refs FOR SELECT TO te_reader USING (app_tenant_visible(tenant_id));
--> statement-breakpoint
CREATE POLICY sealed_span_refs_writer ON sealed_span_refs TO te_writer USING (true) WITH CHECK (true);
--> statement-breakpoint
CREATE POLICY sealed_span_refs_app ON sealed_span_refs TO te_app USING (true) WITH CHECK (true);
--> statement-breakpoint
GRANT SELECT ON sealed_span_refs TO te_reader;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON sealed_span_refs TO te_writer;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON sealed_span_refs TO te_app;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION ensure_span_partitions(from_day date, to_day date)
RETURNS integer
LANGUAGE sql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$ SELECT ensure_day_partitions('span_segments', from_day, to_day, false); SELECT ensure_day_partitions('sealed_span_refs', from_day, to_day, false); SELECT ensure_day_partitions('spans', from_day, to_day, true) $$;
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
    PERFORM ensure_day_partitions('sealed_span_refs', d, d, false);
  END LOOP;
END;
$$;
--> statement-breakpoint
-- Lineage's lookup reads sealed spans' ids too; a row that repeats a sealed span (sent again
-- after sealing) replaces it, as it does for every reader.
CREATE OR REPLACE FUNCTION investigate_spans_with_id(p_id text, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (tenant_id text, trace_id uuid, matched text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT s.tenant_id, s.trace_id, 'job' FROM spans s
  WHERE s.attributes ? 'job.id' AND s.attributes ->> 'job.id' = p_id
    AND s.start_time >= p_from AND s.start_time < p_to AND app_tenant_visible(s.tenant_id)
  UNION
  SELECT s.tenant_id, s.trace_id, 'event' FROM spans s
  WHERE s.attributes ? 'event.id' AND s.attributes ->> 'event.id' = p_id
    AND s.start_time >= p_from AND s.start_time < p_to AND app_tenant_visible(s.tenant_id)
  UNION
  SELECT r.tenant_id, r.trace_id, 'job' FROM sealed_span_refs r
  WHERE r.attributes ? 'job.id' AND r.attributes ->> 'job.id' = p_id
    AND r.start_time >= p_from AND r.start_time < p_to AND app_tenant_visible(r.tenant_id)
    AND NOT EXISTS (SELECT 1 FROM spans x WHERE x.tenant_id = r.tenant_id AND x.trace_id = r.trace_id AND x.span_id = r.span_id AND x.start_time = r.start_time)
  UNION
  SELECT r.tenant_id, r.trace_id, 'event' FROM sealed_span_refs r
  WHERE r.attributes ? 'event.id' AND r.attributes ->> 'event.id' = p_id
    AND r.start_time >= p_from AND r.start_time < p_to AND app_tenant_visible(r.tenant_id)
    AND NOT EXISTS (SELECT 1 FROM spans x WHERE x.tenant_id = r.tenant_id AND x.trace_id = r.trace_id AND x.span_id = r.span_id AND x.start_time = r.start_time)
$$;
