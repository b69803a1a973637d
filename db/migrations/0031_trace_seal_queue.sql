-- custom SQL
-- The sealer's work queue (issue 22, docs/sealed-traces.md): a trace waiting to be sealed, as
-- trace_sampling_pending is a trace waiting for tail sampling. Ingest queues a new trace of a
-- tenant that keeps every trace, and a sealed trace that gets late rows; tail sampling queues
-- the traces it keeps. The sealer takes the quiet ones instead of scanning every quiet trace.
CREATE TABLE "trace_seal_pending" (
	"tenant_id" text NOT NULL,
	"trace_id" uuid NOT NULL,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trace_seal_pending_tenant_id_trace_id_pk" PRIMARY KEY("tenant_id","trace_id")
);
--> statement-breakpoint
-- A trace is quiet no earlier than its entry is old: the sealer reads the old end only.
CREATE INDEX "trace_seal_pending_queued_at_idx" ON "trace_seal_pending" USING btree ("queued_at");
--> statement-breakpoint
-- Whether the trace has segments: ingest's lookups of stored spans read them only then, so a
-- request for unsealed traces pays nothing for sealing. Set by the sealer, never cleared.
ALTER TABLE "traces" ADD COLUMN "sealed" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
-- Ingest only appends to the queue (as to the sampling queue); the sealer and tail sampling run as the owner.
GRANT INSERT ON trace_seal_pending TO te_writer;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON trace_seal_pending TO te_app;
--> statement-breakpoint
UPDATE traces t SET sealed = true WHERE EXISTS (SELECT 1 FROM span_segments g WHERE g.tenant_id = t.tenant_id AND g.trace_id = t.trace_id);
--> statement-breakpoint
-- Traces stored before the queue, unless tail sampling has yet to decide them (it queues those
-- it keeps): the sealer drops an entry with nothing left to seal.
INSERT INTO trace_seal_pending (tenant_id, trace_id, queued_at)
SELECT t.tenant_id, t.trace_id, t.updated_at FROM traces t
WHERE NOT EXISTS (SELECT 1 FROM trace_sampling_pending p WHERE p.tenant_id = t.tenant_id AND p.trace_id = t.trace_id);
