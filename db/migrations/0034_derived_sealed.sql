-- custom SQL
-- Whether a trace has segments is asked of span_segments where it is needed (a probe pruned to
-- the summary's days: lib/traces/segments/has-segments.ts) instead of kept on the summary: the
-- sealer's `sealed = true` rewrote each sealed trace's ~1.6 kB summary, often onto another page
-- with new entries in every index of `traces` (issue 22). Dropping a column rewrites no rows.
ALTER TABLE "traces" DROP COLUMN "sealed";
