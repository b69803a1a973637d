-- OTLP fidelity (issue 16). custom SQL
-- A span's start to the nanosecond: start_time keeps microseconds (partitions, indexes and
-- every range scan stay on it, unchanged); this column keeps the 0-999 ns below them, which
-- Go, Java and .NET SDKs record. Rows written before read as 0. A constant default: adding
-- the column rewrites no partition.
ALTER TABLE spans ADD COLUMN start_sub_us_ns smallint NOT NULL DEFAULT 0 CHECK (start_sub_us_ns BETWEEN 0 AND 999);
--> statement-breakpoint
-- The span's W3C tracestate as received (a link's is in its links entry); NULL for none.
ALTER TABLE spans ADD COLUMN trace_state text;
