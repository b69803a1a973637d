-- custom SQL
-- Ingest's lookups by a column the primary key does not lead with: the stored children of a
-- request's new spans, by their parent. The latency rollup looks up the job runs of new
-- producers (lib/ingest/derivations/rollup-derivation.ts, for their queue waits) and the service
-- map the stored children of every new span (service-map-derivation.ts, for calls whose callee
-- arrived first). Without an index each read every stored span of the trace on each request,
-- so a batch job's trace got slower to ingest as it grew. Every daily partition, present and
-- future, gets its copy.
CREATE INDEX IF NOT EXISTS "spans_parent_idx" ON "spans" ("tenant_id", "trace_id", "parent_span_id");
