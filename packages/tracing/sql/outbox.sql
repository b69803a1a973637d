-- The outbox table of @trace-explorer/tracing (emitEvent, OutboxRelay). Safe to run again:
-- applyOutboxSchema() runs it at startup, or copy it into your migrations.
-- Each row carries the W3C trace context of the span that emitted it, so the relay continues
-- the same trace; the checks refuse an event without usable correlation ids, whoever writes it.
CREATE TABLE IF NOT EXISTS "outbox_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	-- NULL for platform-wide events that belong to no tenant.
	"tenant_id" text,
	"payload" jsonb NOT NULL,
	"traceparent" text NOT NULL,
	"tracestate" text,
	-- Derived, so it can never disagree with the traceparent it comes from.
	"trace_id" text GENERATED ALWAYS AS (substr(traceparent, 4, 32)) STORED NOT NULL,
	"request_id" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	CONSTRAINT "outbox_traceparent_format" CHECK ("traceparent" ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$'
		AND substr("traceparent", 4, 32) <> repeat('0', 32)
		AND substr("traceparent", 37, 16) <> repeat('0', 16)),
	CONSTRAINT "outbox_request_id_format" CHECK ("request_id" ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$'),
	CONSTRAINT "outbox_tenant_id_format" CHECK ("tenant_id" IS NULL OR ("tenant_id" ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$' AND "tenant_id" NOT LIKE '%..%')),
	CONSTRAINT "outbox_status_values" CHECK ("status" IN ('pending', 'delivered', 'failed'))
);
CREATE INDEX IF NOT EXISTS "outbox_events_pending_idx" ON "outbox_events" USING btree ("available_at") WHERE "status" = 'pending';
CREATE INDEX IF NOT EXISTS "outbox_events_trace_id_idx" ON "outbox_events" USING btree ("trace_id");
