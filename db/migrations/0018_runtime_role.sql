-- Issue 15 item 9: the app runs as te_app, a login role that is neither superuser nor the
-- owner of anything, so a statement the app runs (an injection, a compromised process's pool)
-- cannot switch the audit log's triggers off (ALTER TABLE needs the owner,
-- session_replication_role a superuser). Migrations and the retention purge's own session keep
-- the owner (DATABASE_URL). Created without login: whoever holds the right gives it a password
-- (npm start does on the embedded default; README "Running against your own PostgreSQL").
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'te_app') THEN
    -- Not superuser, no CREATEROLE, no BYPASSRLS: the defaults, which a non-superuser owner may give.
    CREATE ROLE te_app NOLOGIN;
  END IF;
END
$$;
--> statement-breakpoint
-- SET LOCAL ROLE te_reader / te_writer per transaction, and their function grants.
GRANT te_reader, te_writer TO te_app;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO te_app;
--> statement-breakpoint
-- The app's own queries (users, sessions, keys, settings, admin pages) read and write its
-- tables; never TRUNCATE, REFERENCES or TRIGGER.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO te_app;
--> statement-breakpoint
-- Records that are only ever appended: the app reads and adds, nothing more. (Their triggers
-- refuse changes too; without the privilege the refusal no longer rests on the triggers alone.)
REVOKE UPDATE, DELETE ON audit_log, access_reviews FROM te_app;
--> statement-breakpoint
REVOKE DELETE ON pending_revocations FROM te_app;
--> statement-breakpoint
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO te_app;
--> statement-breakpoint
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO te_app;
--> statement-breakpoint
-- Tables the owner creates later (daily span partitions, future migrations) come with the
-- same grants; a future append-only table must revoke UPDATE and DELETE as above.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO te_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO te_app;
--> statement-breakpoint
-- Row-level security is forced on the tenant tables; the app's own queries (not those under
-- te_reader) see every row, as the owner's did.
DO $$
DECLARE
  tbl text;
BEGIN
  FOR tbl IN
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relrowsecurity AND c.relkind IN ('r', 'p')
  LOOP
    EXECUTE format('CREATE POLICY %I ON %I TO te_app USING (true) WITH CHECK (true)', tbl || '_app', tbl);
  END LOOP;
END
$$;
