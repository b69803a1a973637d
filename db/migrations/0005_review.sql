CREATE TABLE "access_reviews" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"reviewer_id" uuid NOT NULL,
	"reviewer_email" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"subject_email" text NOT NULL,
	"subject_role" text NOT NULL,
	"decision" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"period_label" text NOT NULL,
	"period_from" timestamp with time zone NOT NULL,
	"period_to" timestamp with time zone NOT NULL,
	CONSTRAINT "access_reviews_decision" CHECK ("access_reviews"."decision" IN ('keep', 'revoke')),
	CONSTRAINT "access_reviews_not_self" CHECK ("access_reviews"."reviewer_id" <> "access_reviews"."subject_id"),
	CONSTRAINT "access_reviews_note_length" CHECK (char_length("access_reviews"."note") <= 2000),
	CONSTRAINT "access_reviews_period" CHECK ("access_reviews"."period_from" < "access_reviews"."period_to")
);
--> statement-breakpoint
CREATE INDEX "access_reviews_subject_at_idx" ON "access_reviews" USING btree ("subject_id","at" DESC NULLS LAST);--> statement-breakpoint
-- custom SQL
-- A review is a record like an audit row: appended, never rewritten or removed.
CREATE OR REPLACE FUNCTION access_reviews_append_only() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  RAISE EXCEPTION 'access_reviews is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER access_reviews_append_only BEFORE UPDATE OR DELETE ON access_reviews FOR EACH ROW EXECUTE FUNCTION access_reviews_append_only();
--> statement-breakpoint
CREATE TRIGGER access_reviews_no_truncate BEFORE TRUNCATE ON access_reviews FOR EACH STATEMENT EXECUTE FUNCTION access_reviews_append_only();
--> statement-breakpoint
-- The chain trigger of 0003 looked up the previous row with ORDER BY seq DESC NULLS LAST,
-- which the seq index cannot serve: every audit insert sorted the whole log (1 to 5 inserts/s
-- at a million rows, bench/audit.ts). Same function, reading the last row by a backward scan
-- of audit_log_seq_unique; seq is never NULL, the trigger assigns it.
CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  last audit_log%ROWTYPE;
BEGIN
  PERFORM pg_advisory_xact_lock(7420002);
  SELECT * INTO last FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
  NEW.seq := coalesce(last.seq, 0) + 1;
  NEW.prev_hash := last.hash;
  NEW.at := date_trunc('microseconds', clock_timestamp());
  NEW.hash := audit_log_row_hash(NEW);
  RETURN NEW;
END;
$$;
