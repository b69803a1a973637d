CREATE TABLE "outbox_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"tenant_id" text,
	"payload" jsonb NOT NULL,
	"traceparent" text NOT NULL,
	"tracestate" text,
	"trace_id" text GENERATED ALWAYS AS (substr(traceparent, 4, 32)) STORED NOT NULL,
	"request_id" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	CONSTRAINT "outbox_traceparent_format" CHECK ("outbox_events"."traceparent" ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$'
        AND substr("outbox_events"."traceparent", 4, 32) <> repeat('0', 32)
        AND substr("outbox_events"."traceparent", 37, 16) <> repeat('0', 16)),
	CONSTRAINT "outbox_request_id_format" CHECK ("outbox_events"."request_id" ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$'),
	CONSTRAINT "outbox_tenant_id_format" CHECK ("outbox_events"."tenant_id" IS NULL OR ("outbox_events"."tenant_id" ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$' AND "outbox_events"."tenant_id" NOT LIKE '%..%')),
	CONSTRAINT "outbox_status_values" CHECK ("outbox_events"."status" IN ('pending', 'delivered', 'failed'))
);
--> statement-breakpoint
CREATE INDEX "outbox_events_pending_idx" ON "outbox_events" USING btree ("available_at") WHERE "outbox_events"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_events_trace_id_idx" ON "outbox_events" USING btree ("trace_id");