CREATE TABLE "ingest_counters" (
	"tenant_id" text NOT NULL,
	"day" date NOT NULL,
	"counter" text NOT NULL,
	"value" bigint NOT NULL,
	CONSTRAINT "ingest_counters_tenant_id_day_counter_pk" PRIMARY KEY("tenant_id","day","counter")
);
--> statement-breakpoint
CREATE TABLE "ingest_isolation_violations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"key_id" uuid,
	"reason" text NOT NULL,
	"trace_id" uuid NOT NULL,
	"claimed_tenant" text,
	"owner_tenant" text,
	"spans" integer NOT NULL,
	CONSTRAINT "ingest_isolation_violations_reason" CHECK ("ingest_isolation_violations"."reason" IN ('conflicting_tenant_claims', 'foreign_tenant', 'mixed_trace'))
);
--> statement-breakpoint
CREATE TABLE "trace_sampling_pending" (
	"tenant_id" text NOT NULL,
	"trace_id" uuid NOT NULL,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trace_sampling_pending_tenant_id_trace_id_pk" PRIMARY KEY("tenant_id","trace_id")
);
--> statement-breakpoint
ALTER TABLE "ingest_counters" ADD CONSTRAINT "ingest_counters_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ingest_isolation_violations" ADD CONSTRAINT "ingest_isolation_violations_key_id_ingest_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."ingest_keys"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ingest_isolation_violations_at_idx" ON "ingest_isolation_violations" USING btree ("at" DESC NULLS LAST);--> statement-breakpoint
-- Ingest writes as te_writer (SET LOCAL ROLE per transaction): counters are upserted, the
-- isolation log and the sampling queue only appended to. Admin pages and tail sampling read
-- and delete as the owner.
GRANT SELECT, INSERT, UPDATE ON ingest_counters TO te_writer;
--> statement-breakpoint
GRANT INSERT ON ingest_isolation_violations, trace_sampling_pending TO te_writer;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE ingest_isolation_violations_id_seq TO te_writer;
