ALTER TABLE "audit_log" ADD COLUMN "seq" bigint;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_seq_unique" UNIQUE("seq");--> statement-breakpoint
-- Row-level security: the second layer of tenant isolation under the query layer's filters.
-- The dashboard's te_reader sees the tenants set for its transaction (db/scoped.ts);
-- te_writer (ingest) and the owner (migrations, seed, retention) see everything.
CREATE OR REPLACE FUNCTION app_tenant_visible(tenant text) RETURNS boolean
LANGUAGE sql STABLE
AS $$
  SELECT coalesce(current_setting('app.all_tenants', true), 'off') = 'on'
      OR tenant = ANY (string_to_array(nullif(current_setting('app.tenant_ids', true), ''), ','))
$$;
--> statement-breakpoint
DO $$
DECLARE
  tbl text;
  col text;
BEGIN
  FOR tbl, col IN VALUES ('spans', 'tenant_id'), ('traces', 'tenant_id'), ('resources', 'tenant_id'), ('tenants', 'id') LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', tbl);
    EXECUTE format('CREATE POLICY %I ON %I TO CURRENT_USER USING (true) WITH CHECK (true)', tbl || '_owner', tbl);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO te_reader USING (app_tenant_visible(%I))', tbl || '_reader', tbl, col);
    EXECUTE format('CREATE POLICY %I ON %I TO te_writer USING (true) WITH CHECK (true)', tbl || '_writer', tbl);
  END LOOP;
END
$$;
--> statement-breakpoint
-- The audit log is append-only and tamper-evident: each row's hash covers its content and
-- the previous row's hash, in the order the trigger assigns under a transaction lock.
CREATE OR REPLACE FUNCTION audit_log_row_hash(a audit_log) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT encode(sha256(convert_to(concat_ws('|',
    a.seq, coalesce(a.prev_hash, ''), (extract(epoch FROM a.at) * 1000000)::bigint,
    jsonb_build_object(
      'actor_id', a.actor_id, 'actor_email', a.actor_email, 'role', a.role, 'action', a.action,
      'resource', a.resource, 'tenants', a.tenants, 'outcome', a.outcome, 'ip', a.ip,
      'user_agent', a.user_agent, 'request_id', a.request_id, 'trace_id', a.trace_id,
      'details', a.details)::text), 'UTF8')), 'hex')
$$;
--> statement-breakpoint
-- SECURITY DEFINER: the app roles may insert but not read the log, and the chain needs the
-- previous row.
CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  last audit_log%ROWTYPE;
BEGIN
  PERFORM pg_advisory_xact_lock(7420002);
  SELECT * INTO last FROM audit_log ORDER BY seq DESC NULLS LAST LIMIT 1;
  NEW.seq := coalesce(last.seq, 0) + 1;
  NEW.prev_hash := last.hash;
  NEW.at := date_trunc('microseconds', clock_timestamp());
  NEW.hash := audit_log_row_hash(NEW);
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
--> statement-breakpoint
-- Only the audit retention step may delete, only rows past the 400-day audit retention,
-- and only after announcing itself for its transaction (lib/retention records the cut).
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF TG_OP = 'DELETE'
     AND current_setting('app.audit_retention', true) = 'on'
     AND OLD.at < now() - interval '400 days' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_log_no_truncate() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: TRUNCATE refused' USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate();
