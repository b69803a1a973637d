CREATE TYPE "public"."user_role" AS ENUM('admin', 'investigator', 'tenant_viewer', 'auditor');--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" uuid,
	"actor_email" text,
	"role" text,
	"action" text NOT NULL,
	"resource" text,
	"tenants" text[] DEFAULT '{}'::text[] NOT NULL,
	"outcome" text NOT NULL,
	"ip" text,
	"user_agent" text,
	"request_id" text,
	"trace_id" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"prev_hash" text,
	"hash" text
);
--> statement-breakpoint
CREATE TABLE "ingest_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"tenant_id" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "ingest_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "resources" (
	"tenant_id" text NOT NULL,
	"id" bigint NOT NULL,
	"attributes" jsonb NOT NULL,
	"first_seen" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "resources_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "retention_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"outcome" text DEFAULT 'running' NOT NULL,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"partitions_dropped" text[] DEFAULT '{}'::text[] NOT NULL,
	"held_tenants" text[] DEFAULT '{}'::text[] NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "spans" (
	"tenant_id" text NOT NULL,
	"trace_id" uuid NOT NULL,
	"span_id" bigint NOT NULL,
	"parent_span_id" bigint,
	"request_id" text,
	"service" text NOT NULL,
	"name" text NOT NULL,
	"kind" smallint DEFAULT 0 NOT NULL,
	"start_time" timestamp with time zone NOT NULL,
	"duration_ns" bigint NOT NULL,
	"status_code" smallint DEFAULT 0 NOT NULL,
	"status_message" text,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"events" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"links" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"resource_id" bigint NOT NULL,
	"dropped_attributes_count" integer DEFAULT 0 NOT NULL,
	"dropped_events_count" integer DEFAULT 0 NOT NULL,
	"dropped_links_count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "spans_tenant_id_trace_id_span_id_start_time_pk" PRIMARY KEY("tenant_id","trace_id","span_id","start_time")
) PARTITION BY RANGE ("start_time");
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"retention_days" integer DEFAULT 14 NOT NULL,
	"kept_retention_days" integer DEFAULT 30 NOT NULL,
	"slow_threshold_ms" integer DEFAULT 2000 NOT NULL,
	"keep_ratio" real DEFAULT 1 NOT NULL,
	"legal_hold" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenants_id_format" CHECK ("tenants"."id" ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$' AND "tenants"."id" NOT LIKE '%..%'),
	CONSTRAINT "tenants_retention_range" CHECK ("tenants"."retention_days" BETWEEN 1 AND 90),
	CONSTRAINT "tenants_kept_retention_range" CHECK ("tenants"."kept_retention_days" BETWEEN "tenants"."retention_days" AND 180),
	CONSTRAINT "tenants_slow_threshold_positive" CHECK ("tenants"."slow_threshold_ms" > 0),
	CONSTRAINT "tenants_keep_ratio_range" CHECK ("tenants"."keep_ratio" > 0 AND "tenants"."keep_ratio" <= 1)
);
--> statement-breakpoint
CREATE TABLE "traces" (
	"tenant_id" text NOT NULL,
	"trace_id" uuid NOT NULL,
	"start_time" timestamp with time zone NOT NULL,
	"end_time" timestamp with time zone NOT NULL,
	"duration_ns" bigint NOT NULL,
	"root_span_id" bigint,
	"root_service" text,
	"root_name" text,
	"request_id" text,
	"span_count" integer NOT NULL,
	"error_count" integer DEFAULT 0 NOT NULL,
	"services" text[] NOT NULL,
	"has_error" boolean DEFAULT false NOT NULL,
	"is_slow" boolean DEFAULT false NOT NULL,
	"is_security" boolean DEFAULT false NOT NULL,
	"sample_weight" real DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "traces_tenant_id_trace_id_pk" PRIMARY KEY("tenant_id","trace_id")
);
--> statement-breakpoint
CREATE TABLE "user_tenant_scopes" (
	"user_id" uuid NOT NULL,
	"tenant_id" text NOT NULL,
	CONSTRAINT "user_tenant_scopes_user_id_tenant_id_pk" PRIMARY KEY("user_id","tenant_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text,
	"role" "user_role",
	"disabled" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email"),
	CONSTRAINT "users_email_lowercase" CHECK ("users"."email" = lower("users"."email"))
);
--> statement-breakpoint
ALTER TABLE "ingest_keys" ADD CONSTRAINT "ingest_keys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ingest_keys" ADD CONSTRAINT "ingest_keys_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_tenant_scopes" ADD CONSTRAINT "user_tenant_scopes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_tenant_scopes" ADD CONSTRAINT "user_tenant_scopes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "audit_log_actor_at_idx" ON "audit_log" USING btree ("actor_id","at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "audit_log_tenants_idx" ON "audit_log" USING gin ("tenants");--> statement-breakpoint
CREATE INDEX "retention_runs_started_idx" ON "retention_runs" USING btree ("started_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "traces_tenant_start_idx" ON "traces" USING btree ("tenant_id","start_time" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "traces_start_idx" ON "traces" USING btree ("start_time" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "traces_trace_id_idx" ON "traces" USING btree ("trace_id");--> statement-breakpoint
CREATE INDEX "traces_request_id_idx" ON "traces" USING btree ("request_id") WHERE "traces"."request_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "traces_tenant_root_idx" ON "traces" USING btree ("tenant_id","root_service","root_name","start_time" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "traces_tenant_errors_idx" ON "traces" USING btree ("tenant_id","start_time" DESC NULLS FIRST) WHERE "traces"."has_error";