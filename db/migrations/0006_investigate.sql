-- custom SQL
-- Indexes for /investigate (lib/investigate). Each is partial, so it holds only the few spans
-- one view looks for and costs ingest little; on the partitioned spans table every daily
-- partition, present and future, gets its own copy.
-- Errors by tenant: the error spans of a trace, without reading its other spans.
CREATE INDEX IF NOT EXISTS "spans_errors_idx" ON "spans" ("tenant_id", "trace_id") WHERE "status_code" = 2;
--> statement-breakpoint
-- Retry loops: a job's second or later attempt, or an HTTP resend. The predicate is repeated
-- word for word in lib/investigate/retries.ts so the planner can use the index.
CREATE INDEX IF NOT EXISTS "spans_retries_idx" ON "spans" ("tenant_id", "start_time")
  WHERE "attributes" ? 'http.request.resend_count' OR ("attributes" ? 'job.attempt' AND "attributes" -> 'job.attempt' <> '1'::jsonb);
--> statement-breakpoint
-- Job lineage: from a job id or an event id to its spans.
CREATE INDEX IF NOT EXISTS "spans_job_id_idx" ON "spans" (("attributes" ->> 'job.id')) WHERE "attributes" ? 'job.id';
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "spans_event_id_idx" ON "spans" (("attributes" ->> 'event.id')) WHERE "attributes" ? 'event.id';
--> statement-breakpoint
-- Slow requests: slow roots of a window across tenants (a single tenant filters the few rows).
CREATE INDEX IF NOT EXISTS "traces_slow_idx" ON "traces" ("start_time" DESC) WHERE "is_slow";
--> statement-breakpoint
-- Lineage lookup by job or event id. Under row-level security the planner may not use the
-- expression indexes above (jsonb's ->> is not leakproof, so the policy is checked first, on
-- every span of the window). This function looks the id up as the owner, through the index,
-- and keeps only the tenants the caller's transaction may see, by the policy's own rule; the
-- caller still filters tenants in SQL and reads the traces under RLS.
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
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION investigate_spans_with_id(text, timestamptz, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION investigate_spans_with_id(text, timestamptz, timestamptz) TO te_reader;
