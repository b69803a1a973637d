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
