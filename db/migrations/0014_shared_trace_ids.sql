-- A trace is a tenant and an id (issue 15): a span of another tenant with a stored trace id is
-- stored as that tenant's own trace instead of being refused as `mixed_trace`, and the admins'
-- isolation log records it as `shared_trace_id`. Rows logged as `mixed_trace` before stay valid.
ALTER TABLE "ingest_isolation_violations" DROP CONSTRAINT "ingest_isolation_violations_reason";--> statement-breakpoint
ALTER TABLE "ingest_isolation_violations" ADD CONSTRAINT "ingest_isolation_violations_reason" CHECK ("ingest_isolation_violations"."reason" IN ('conflicting_tenant_claims', 'foreign_tenant', 'mixed_trace', 'shared_trace_id'));
