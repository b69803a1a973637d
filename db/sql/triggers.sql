-- Triggers and their functions.
--
-- Documentation, checked and never applied: the current definition of each object below, as
-- Postgres prints it after every migration has run (db/migrations redefines some of them more
-- than once). db/sql/definitions.test.ts migrates a fresh database and fails when it holds
-- anything this folder does not say, so a migration that changes a definition changes this file
-- in the same commit. To change a definition, write a migration; then copy the definition the
-- test prints here.

-- ---------------------------------------------------------------------------------------------
-- Audit log: a hash chain, append-only (0003, 0005)
-- ---------------------------------------------------------------------------------------------

-- Each row's place in the chain, assigned under a transaction lock: ids from the sequence can
-- commit out of order, the chain cannot. SECURITY DEFINER: the app roles may insert but not read
-- the log, and the chain needs the previous row, read by a backward scan of audit_log_seq_unique
-- (0005; ORDER BY seq DESC NULLS LAST sorted the whole log on every insert).
CREATE OR REPLACE FUNCTION public.audit_log_chain()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
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
$function$;

-- Only the audit retention step may delete, only rows past the 400-day audit retention, and only
-- after announcing itself for its transaction (lib/retention records the cut).
CREATE OR REPLACE FUNCTION public.audit_log_append_only()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF TG_OP = 'DELETE'
     AND current_setting('app.audit_retention', true) = 'on'
     AND OLD.at < now() - interval '400 days' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$function$;

CREATE OR REPLACE FUNCTION public.audit_log_no_truncate()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: TRUNCATE refused' USING ERRCODE = 'insufficient_privilege';
END;
$function$;

CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
CREATE TRIGGER audit_log_append_only BEFORE DELETE OR UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate();

-- ---------------------------------------------------------------------------------------------
-- Access reviews: appended, never rewritten or removed (0005)
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION public.access_reviews_append_only()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  RAISE EXCEPTION 'access_reviews is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$function$;

CREATE TRIGGER access_reviews_append_only BEFORE DELETE OR UPDATE ON access_reviews FOR EACH ROW EXECUTE FUNCTION access_reviews_append_only();
CREATE TRIGGER access_reviews_no_truncate BEFORE TRUNCATE ON access_reviews FOR EACH STATEMENT EXECUTE FUNCTION access_reviews_append_only();

-- ---------------------------------------------------------------------------------------------
-- Pending revocations: resolved once, pending to confirmed or rejected, never removed (0013)
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION public.pending_revocations_resolve_once()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status = 'pending' AND NEW.status <> 'pending'
     AND (NEW.id, NEW.review_id, NEW.requested_at, NEW.requested_by_id, NEW.requested_by_email, NEW.subject_id, NEW.subject_email, NEW.subject_role)
         IS NOT DISTINCT FROM (OLD.id, OLD.review_id, OLD.requested_at, OLD.requested_by_id, OLD.requested_by_email, OLD.subject_id, OLD.subject_email, OLD.subject_role) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'pending_revocations: only a pending revocation may be resolved, once (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$function$;

CREATE TRIGGER pending_revocations_resolve_once BEFORE DELETE OR UPDATE ON pending_revocations FOR EACH ROW EXECUTE FUNCTION pending_revocations_resolve_once();

-- ---------------------------------------------------------------------------------------------
-- Trace search's number cells (0011)
-- ---------------------------------------------------------------------------------------------

-- Ingest computes traces.attribute_number_cells in the app (lib/ingest/derivations/number-cells.ts) and sends
-- them; any other writer (the demo generator, tests, a manual INSERT) may leave the column out, or
-- set it to NULL after changing `attributes`, and the cells are computed here.
CREATE OR REPLACE FUNCTION public.traces_fill_number_cells()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  NEW.attribute_number_cells := trace_attribute_number_cells(NEW.attributes);
  RETURN NEW;
END
$function$;

CREATE TRIGGER traces_fill_number_cells BEFORE INSERT OR UPDATE ON traces FOR EACH ROW WHEN ((new.attribute_number_cells IS NULL)) EXECUTE FUNCTION traces_fill_number_cells();
