-- custom SQL
-- Issue 21: slow versus normal (lib/slow-vs-normal/read.ts) reads every trace summary of a
-- window, for its selection and the rest, and the duration scatter does the same: tenant, start,
-- trace id, duration and the retention class. With (tenant_id, start_time) alone each of those
-- rows is a heap fetch, and summaries land in the heap in arrival order, not by start time, so
-- a day's 21,000 rows read 20,000 heap pages (most of the read's time on the bench database).
-- The same index with those columns after its key answers them from the index (index-only
-- scans); it replaces the old one rather than joining it, so ingest still writes one index
-- entry per trace, only a wider one (BENCHMARKS.md, Slow versus normal). Key columns rather
-- than INCLUDE, which the schema files (drizzle) cannot declare; the order of the key's first
-- two columns, which every other reader of the index walks, is unchanged.
DROP INDEX IF EXISTS "traces_tenant_start_idx";
--> statement-breakpoint
CREATE INDEX "traces_tenant_start_idx" ON "traces" USING btree ("tenant_id","start_time" DESC NULLS FIRST,"trace_id","duration_ns","has_error","is_slow","is_security");
