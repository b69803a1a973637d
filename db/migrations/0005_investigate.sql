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
