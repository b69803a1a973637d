-- Issue 21 item 1: the service map's rollup, maintained at ingest like span_rollup (0007, 0009).
-- caller '' holds the service's own figures (its entry spans: roots, server and consumer spans);
-- any other caller is an edge, caller's span → service's child span, with the child's figures.
CREATE TABLE "service_map_rollup" (
	"tenant_id" text NOT NULL,
	"grain" smallint NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"caller" text DEFAULT '' NOT NULL,
	"service" text NOT NULL,
	"call_count" bigint DEFAULT 0 NOT NULL,
	"error_count" bigint DEFAULT 0 NOT NULL,
	"duration_sum_ns" bigint DEFAULT 0 NOT NULL,
	"weighted_count" double precision DEFAULT 0 NOT NULL,
	"weighted_errors" double precision DEFAULT 0 NOT NULL,
	"weighted_duration_ns" double precision DEFAULT 0 NOT NULL,
	"buckets" smallint[] DEFAULT '{}'::smallint[] NOT NULL,
	"weights" double precision[] DEFAULT '{}'::float8[] NOT NULL,
	CONSTRAINT "service_map_rollup_tenant_id_grain_minute_caller_service_pk" PRIMARY KEY("tenant_id","grain","minute","caller","service")
);
--> statement-breakpoint
CREATE INDEX "service_map_rollup_grain_minute_idx" ON "service_map_rollup" USING btree ("grain","minute");
--> statement-breakpoint
CREATE TABLE "service_map_delta" (
	"tenant_id" text NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"caller" text DEFAULT '' NOT NULL,
	"service" text NOT NULL,
	"call_count" bigint DEFAULT 0 NOT NULL,
	"error_count" bigint DEFAULT 0 NOT NULL,
	"duration_sum_ns" bigint DEFAULT 0 NOT NULL,
	"weighted_count" double precision DEFAULT 0 NOT NULL,
	"weighted_errors" double precision DEFAULT 0 NOT NULL,
	"weighted_duration_ns" double precision DEFAULT 0 NOT NULL,
	"buckets" smallint[] DEFAULT '{}'::smallint[] NOT NULL,
	"weights" double precision[] DEFAULT '{}'::float8[] NOT NULL
);
--> statement-breakpoint
-- Tenant isolation as on span_rollup and span_rollup_delta: te_reader reads the rollup within
-- its visible tenants and none of the deltas; te_writer only inserts deltas.
ALTER TABLE service_map_rollup ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE service_map_rollup FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY service_map_rollup_app ON service_map_rollup TO te_app USING (true) WITH CHECK (true);
--> statement-breakpoint
CREATE POLICY service_map_rollup_owner ON service_map_rollup TO CURRENT_USER USING (true) WITH CHECK (true);
--> statement-breakpoint
CREATE POLICY service_map_rollup_reader ON service_map_rollup FOR SELECT TO te_reader USING (app_tenant_visible(tenant_id));
--> statement-breakpoint
CREATE POLICY service_map_rollup_writer ON service_map_rollup TO te_writer USING (true) WITH CHECK (true);
--> statement-breakpoint
ALTER TABLE service_map_delta ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE service_map_delta FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY service_map_delta_app ON service_map_delta TO te_app USING (true) WITH CHECK (true);
--> statement-breakpoint
CREATE POLICY service_map_delta_owner ON service_map_delta TO CURRENT_USER USING (true) WITH CHECK (true);
--> statement-breakpoint
CREATE POLICY service_map_delta_writer ON service_map_delta FOR INSERT TO te_writer WITH CHECK (true);
--> statement-breakpoint
GRANT SELECT ON service_map_rollup TO te_reader;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON service_map_rollup TO te_writer;
--> statement-breakpoint
GRANT INSERT ON service_map_delta TO te_writer;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON service_map_rollup TO te_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON service_map_delta TO te_app;
