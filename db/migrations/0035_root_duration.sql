-- custom SQL
-- The root span's duration on the trace summary, set with root_span_id (issue 22): slow requests rank
-- by it without reading the root span, so a seal no longer keeps a sealed_span_refs row per root
-- (46 % of the refs on the demo day) for investigate to read it from.
ALTER TABLE "traces" ADD COLUMN "root_duration_ns" bigint;
--> statement-breakpoint
UPDATE traces t SET root_duration_ns = s.duration_ns FROM spans s
WHERE s.tenant_id = t.tenant_id AND s.trace_id = t.trace_id AND s.span_id = t.root_span_id
  AND s.start_time >= t.start_time AND s.start_time <= t.end_time;
--> statement-breakpoint
UPDATE traces t SET root_duration_ns = r.duration_ns FROM sealed_span_refs r
WHERE t.root_duration_ns IS NULL AND r.tenant_id = t.tenant_id AND r.trace_id = t.trace_id AND r.span_id = t.root_span_id
  AND r.start_time >= t.start_time AND r.start_time <= t.end_time;
--> statement-breakpoint
-- What is left of the refs is what investigate's window queries find: errors, and the spans of its partial indexes.
DELETE FROM sealed_span_refs
WHERE status_code <> 2 AND NOT attributes ?| ARRAY['http.request.resend_count', 'job.attempt', 'job.id', 'event.id'];
