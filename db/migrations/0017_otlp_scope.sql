-- OTLP fidelity (issue 16 item 4): the instrumentation scope, schema URLs, flags and the
-- resource's dropped attribute count. custom SQL
-- Instrumentation scopes, stored once per tenant like resources: spans refer to theirs by
-- scope_id, a hash of everything below (lib/ingest/normalize.ts), and retention purges a
-- scope by its latest span day as it purges resources.
CREATE TABLE "scopes" (
	"tenant_id" text NOT NULL,
	"id" bigint NOT NULL,
	"name" text NOT NULL,
	"version" text NOT NULL,
	"attributes" jsonb NOT NULL,
	"dropped_attributes_count" integer DEFAULT 0 NOT NULL,
	"schema_url" text NOT NULL,
	"first_seen" timestamp with time zone DEFAULT now() NOT NULL,
	"last_span_day" date DEFAULT current_date NOT NULL,
	CONSTRAINT "scopes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE scopes ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE scopes FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY scopes_owner ON scopes TO CURRENT_USER USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY scopes_reader ON scopes FOR SELECT TO te_reader USING (app_tenant_visible(tenant_id));--> statement-breakpoint
CREATE POLICY scopes_writer ON scopes TO te_writer USING (true) WITH CHECK (true);--> statement-breakpoint
GRANT SELECT ON scopes TO te_reader;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON scopes TO te_writer;--> statement-breakpoint
-- NULL for spans stored before this migration, whose scope was not kept.
ALTER TABLE spans ADD COLUMN scope_id bigint;--> statement-breakpoint
-- The span's OTLP flags (W3C trace flags and the remote-parent bits), the fixed32 as a signed
-- int4 (ingest writes flags | 0, readers take it >>> 0). Constant defaults: no rewrite.
ALTER TABLE spans ADD COLUMN flags integer NOT NULL DEFAULT 0;--> statement-breakpoint
-- The resource's schema URL and dropped attribute count; both are part of its id when set.
ALTER TABLE resources ADD COLUMN schema_url text NOT NULL DEFAULT '';--> statement-breakpoint
ALTER TABLE resources ADD COLUMN dropped_attributes_count integer NOT NULL DEFAULT 0;
