-- A trace is a tenant and an id (issue 15): a span of another tenant with a stored trace id is
-- stored as that tenant's own trace instead of being refused as `mixed_trace`, and the admins'
-- isolation log records it as `shared_trace_id`. Rows logged as `mixed_trace` before stay valid.
ALTER TABLE "ingest_isolation_violations" DROP CONSTRAINT "ingest_isolation_violations_reason";--> statement-breakpoint
ALTER TABLE "ingest_isolation_violations" ADD CONSTRAINT "ingest_isolation_violations_reason" CHECK ("ingest_isolation_violations"."reason" IN ('conflicting_tenant_claims', 'foreign_tenant', 'mixed_trace', 'shared_trace_id'));
--> statement-breakpoint
-- The UTC day of the latest span start stored with each resource, so retention can purge a
-- resource once every span that could use it has expired (service suggestions list resources).
-- Existing rows take theirs from the spans; one with no spans left is purged by the next run.
ALTER TABLE "resources" ADD COLUMN "last_span_day" date DEFAULT current_date NOT NULL;--> statement-breakpoint
UPDATE "resources" SET "last_span_day" = '-infinity';--> statement-breakpoint
UPDATE "resources" r SET "last_span_day" = m.d
FROM (SELECT "tenant_id", "resource_id", max("start_time" AT TIME ZONE 'UTC')::date AS d FROM "spans" GROUP BY 1, 2) m
WHERE m."tenant_id" = r."tenant_id" AND m."resource_id" = r."id";
