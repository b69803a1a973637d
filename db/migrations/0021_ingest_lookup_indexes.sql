-- custom SQL
-- Ingest's one lookup by a column the primary key does not lead with: the stored job runs
-- (first attempts and retries alike) whose parent is one of a request's new producers
-- (lib/ingest/derivations/rollup-derivation.ts, for their queue waits). Without an index it
-- read every stored span of the trace on each request with a producer, so a batch job's
-- trace got slower to ingest as it grew. Partial, like the indexes of 0006: it holds job runs
-- only, so it costs ingest little; every daily partition, present and future, gets its copy.
CREATE INDEX IF NOT EXISTS "spans_job_runs_idx" ON "spans" ("tenant_id", "trace_id", "parent_span_id")
  WHERE "kind" = 5 AND "attributes" ? 'job.name';
