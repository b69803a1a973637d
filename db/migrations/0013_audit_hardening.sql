-- Issue 15 item 9: the app MACs each row with a key the database never sees (lib/audit/mac.ts).
ALTER TABLE "audit_log" ADD COLUMN "mac" text;
--> statement-breakpoint
-- The row hash now covers the MAC. concat_ws skips NULLs, so a row without a MAC (every row
-- written before this migration) hashes exactly as before and the existing chain still verifies.
CREATE OR REPLACE FUNCTION audit_log_row_hash(a audit_log) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT encode(sha256(convert_to(concat_ws('|',
    a.seq, coalesce(a.prev_hash, ''), (extract(epoch FROM a.at) * 1000000)::bigint,
    jsonb_build_object(
      'actor_id', a.actor_id, 'actor_email', a.actor_email, 'role', a.role, 'action', a.action,
      'resource', a.resource, 'tenants', a.tenants, 'outcome', a.outcome, 'ip', a.ip,
      'user_agent', a.user_agent, 'request_id', a.request_id, 'trace_id', a.trace_id,
      'details', a.details)::text,
    a.mac), 'UTF8')), 'hex')
$$;
--> statement-breakpoint
-- The chain head the app publishes outside the database (lib/audit/head.ts). SECURITY DEFINER:
-- the app roles may insert audit rows but not read them.
CREATE OR REPLACE FUNCTION audit_log_head(OUT seq bigint, OUT hash text)
LANGUAGE sql STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT a.seq, a.hash FROM audit_log a ORDER BY a.seq DESC NULLS LAST LIMIT 1
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION audit_log_head() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION audit_log_head() TO te_reader, te_writer;
--> statement-breakpoint
-- Issue 15 item 7: an auditor's Revoke of anyone with more rights than a tenant viewer waits
-- here for an admin to confirm or reject it (lib/audit/revocations.ts). Resolved once: the
-- trigger below refuses any change but pending → confirmed/rejected, and every delete.
CREATE TABLE "pending_revocations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"review_id" bigint NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"requested_by_id" uuid NOT NULL,
	"requested_by_email" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"subject_email" text NOT NULL,
	"subject_role" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by_id" uuid,
	"decided_by_email" text,
	CONSTRAINT "pending_revocations_status" CHECK ("status" IN ('pending', 'confirmed', 'rejected')),
	CONSTRAINT "pending_revocations_decided" CHECK (("status" = 'pending') = ("decided_at" IS NULL) AND ("decided_at" IS NULL) = ("decided_by_id" IS NULL)),
	CONSTRAINT "pending_revocations_not_self" CHECK ("requested_by_id" <> "subject_id" AND "decided_by_id" <> "subject_id" AND "decided_by_id" <> "requested_by_id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "pending_revocations_open_idx" ON "pending_revocations" ("subject_id") WHERE "status" = 'pending';
--> statement-breakpoint
CREATE OR REPLACE FUNCTION pending_revocations_resolve_once() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status = 'pending' AND NEW.status <> 'pending'
     AND (NEW.id, NEW.review_id, NEW.requested_at, NEW.requested_by_id, NEW.requested_by_email, NEW.subject_id, NEW.subject_email, NEW.subject_role)
         IS NOT DISTINCT FROM (OLD.id, OLD.review_id, OLD.requested_at, OLD.requested_by_id, OLD.requested_by_email, OLD.subject_id, OLD.subject_email, OLD.subject_role) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'pending_revocations: only a pending revocation may be resolved, once (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER pending_revocations_resolve_once BEFORE UPDATE OR DELETE ON pending_revocations FOR EACH ROW EXECUTE FUNCTION pending_revocations_resolve_once();
