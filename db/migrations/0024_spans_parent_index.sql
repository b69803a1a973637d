-- custom SQL
-- Ingest looks up stored children of a request's new spans by their parent: the latency rollup
-- the job runs of new producers (rollup-derivation.ts, for their queue waits), the service map
-- the stored callees of every new span, whatever their kind (service-map-derivation.ts, for
-- calls whose callee arrived first, as children end and are exported before their parents).
-- Led by the parent's id, which no other lookup constrains: led by (tenant_id, trace_id) like
-- the primary key, the planner also took it for lookups by span id and read the whole trace.
-- The tenant is part of the key, so that another tenant's spans naming the same parent are
-- never read. It replaces 0021's job-runs index, which it covers. Every daily partition,
-- present and future, gets its copy.
CREATE INDEX IF NOT EXISTS "spans_parent_idx" ON "spans" ("parent_span_id", "tenant_id");
--> statement-breakpoint
DROP INDEX IF EXISTS "spans_job_runs_idx";
