-- Trace search (lib/traces/search.ts) reads only the traces summary table.
-- custom SQL
-- Span attribute key -> distinct values of the trace's spans (lib/ingest/trace-attributes.ts).
ALTER TABLE traces ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}'::jsonb;
--> statement-breakpoint
-- jsonb_ops (not jsonb_path_ops): attribute conditions use both `@>` (equality) and `?` (exists).
CREATE INDEX traces_attributes_idx ON traces USING gin (attributes);
--> statement-breakpoint
-- "Which traces touched this service": services @> ARRAY[...].
CREATE INDEX traces_services_idx ON traces USING gin (services);
--> statement-breakpoint
-- Sort by duration, slowest first, walked until enough rows fall in the time window.
CREATE INDEX traces_duration_idx ON traces (duration_ns DESC, start_time);
--> statement-breakpoint
CREATE INDEX traces_tenant_duration_idx ON traces (tenant_id, duration_ns DESC, start_time);
