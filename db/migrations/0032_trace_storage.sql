-- custom SQL
-- Issue 22 ("all trace data <= 250 bytes per span once sealed"; bench/storage.ts): the summaries'
-- attribute index is probed only by containment (traces_matching_attributes: `attributes @>
-- '{"key": [value]}'`); key-exists (`?`) and the equality checks are evaluated row by row on
-- rows other conditions found (lib/traces/search/search-sql.ts), never through this index. The
-- jsonb_path_ops class answers `@>` alone, with one hashed entry per value path instead of one
-- per key and one per value. Upgrading rebuilds the index over every summary (writes to
-- `traces` wait meanwhile).
DROP INDEX IF EXISTS "traces_attributes_idx";
--> statement-breakpoint
CREATE INDEX "traces_attributes_idx" ON "traces" USING gin ("attributes" jsonb_path_ops);
