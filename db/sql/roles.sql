-- Roles and grants.
--
-- Documentation, checked and never applied: the current definition of each object below, as
-- Postgres prints it after every migration has run (db/migrations redefines some of them more
-- than once). db/sql/definitions.test.ts migrates a fresh database and fails when it holds
-- anything this folder does not say, so a migration that changes a definition changes this file
-- in the same commit. To change a definition, write a migration; then copy the definition the
-- test prints here.
--
-- The app connects as te_app (0018), a login role that is neither superuser nor the owner of
-- anything, so nothing it runs can switch the audit log's triggers off. Per transaction it takes
-- te_reader (the dashboard's reads, under row-level security, policies.sql) or te_writer
-- (ingest). Migrations and the retention purge's own session keep the owner (DATABASE_URL),
-- written CURRENT_USER here. Created without login: whoever deploys gives te_app a password
-- (README "Running against your own PostgreSQL"). Daily span partitions are left out: each gets
-- INSERT for te_writer from ensure_span_partitions (functions.sql) and te_app's from the default
-- privileges at the end.

-- ---------------------------------------------------------------------------------------------
-- Roles and memberships (0001, 0018)
-- ---------------------------------------------------------------------------------------------

CREATE ROLE te_app NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
CREATE ROLE te_reader NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
CREATE ROLE te_writer NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
GRANT te_reader TO CURRENT_USER;
GRANT te_reader TO te_app;
GRANT te_writer TO CURRENT_USER;
GRANT te_writer TO te_app;

-- ---------------------------------------------------------------------------------------------
-- Schema
-- ---------------------------------------------------------------------------------------------

GRANT USAGE ON SCHEMA public TO te_app, te_reader, te_writer;

-- ---------------------------------------------------------------------------------------------
-- te_reader: reads the tenant tables under its policies; appends audit rows (0001, 0003, 0007,
-- 0017)
-- ---------------------------------------------------------------------------------------------

GRANT INSERT ON TABLE audit_log TO te_reader, te_writer;
GRANT SELECT ON TABLE log_records TO te_reader;
GRANT SELECT ON TABLE resources TO te_reader;
GRANT SELECT ON TABLE scopes TO te_reader;
GRANT SELECT ON TABLE sealed_span_refs TO te_reader;
GRANT SELECT ON TABLE service_map_rollup TO te_reader;
GRANT SELECT ON TABLE span_rollup TO te_reader;
GRANT SELECT ON TABLE span_segments TO te_reader;
GRANT SELECT ON TABLE spans TO te_reader;
GRANT SELECT ON TABLE tenants TO te_reader, te_writer;
GRANT SELECT ON TABLE traces TO te_reader;

-- ---------------------------------------------------------------------------------------------
-- te_writer: ingest writes spans, log records, summaries, resources, scopes and the rollup, counts,
-- logs isolation violations, queues traces for tail sampling and writes the service map's deltas
-- (0001, 0004, 0007, 0009, 0017, 0022, 0023)
-- ---------------------------------------------------------------------------------------------

GRANT INSERT ON TABLE ingest_isolation_violations TO te_writer;
GRANT INSERT ON TABLE service_map_delta TO te_writer;
GRANT INSERT ON TABLE span_rollup_delta TO te_writer;
GRANT INSERT ON TABLE trace_sampling_pending TO te_writer;
GRANT INSERT ON TABLE trace_seal_pending TO te_writer;
GRANT SELECT ON TABLE ingest_keys TO te_writer;
GRANT SELECT, INSERT ON TABLE log_records TO te_writer;
GRANT SELECT, INSERT, UPDATE ON TABLE ingest_counters TO te_writer;
GRANT SELECT, INSERT, UPDATE ON TABLE resources TO te_writer;
GRANT SELECT, INSERT, UPDATE ON TABLE scopes TO te_writer;
GRANT SELECT, INSERT, UPDATE ON TABLE sealed_span_refs TO te_writer;
GRANT SELECT, INSERT, UPDATE ON TABLE service_map_rollup TO te_writer;
GRANT SELECT, INSERT, UPDATE ON TABLE span_rollup TO te_writer;
GRANT SELECT, INSERT, UPDATE ON TABLE span_segments TO te_writer;
GRANT SELECT, INSERT, UPDATE ON TABLE spans TO te_writer;
GRANT SELECT, INSERT, UPDATE ON TABLE traces TO te_writer;
GRANT UPDATE (last_used_at) ON TABLE ingest_keys TO te_writer;
GRANT USAGE ON SEQUENCE audit_log_id_seq TO te_reader, te_writer;
GRANT USAGE ON SEQUENCE ingest_isolation_violations_id_seq TO te_writer;

-- ---------------------------------------------------------------------------------------------
-- te_app: reads and writes its own tables; never TRUNCATE, REFERENCES or TRIGGER. Records only
-- ever appended (audit_log, access_reviews) get no UPDATE or DELETE, pending_revocations no DELETE
-- (0018): their triggers refuse too, but the refusal no longer rests on the triggers alone.
-- ---------------------------------------------------------------------------------------------

GRANT SELECT, INSERT ON TABLE access_reviews TO te_app;
GRANT SELECT, INSERT ON TABLE audit_log TO te_app;
GRANT SELECT, INSERT, UPDATE ON TABLE pending_revocations TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE auth_sessions TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE ingest_counters TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE ingest_isolation_violations TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE ingest_keys TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE log_records TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE outbox_events TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE resources TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE retention_runs TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE saved_queries TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE scopes TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE service_map_delta TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE sealed_span_refs TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE service_map_rollup TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE sign_in_throttle TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE span_rollup TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE span_rollup_delta TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE span_segments TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE spans TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE tenants TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE trace_sampling_pending TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE trace_seal_pending TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE traces TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE user_tenant_scopes TO te_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE users TO te_app;
GRANT USAGE, SELECT, UPDATE ON SEQUENCE access_reviews_id_seq TO te_app;
GRANT USAGE, SELECT, UPDATE ON SEQUENCE audit_log_id_seq TO te_app;
GRANT USAGE, SELECT, UPDATE ON SEQUENCE ingest_isolation_violations_id_seq TO te_app;
GRANT USAGE, SELECT, UPDATE ON SEQUENCE pending_revocations_id_seq TO te_app;

-- ---------------------------------------------------------------------------------------------
-- Functions. PUBLIC keeps EXECUTE on those that read nothing on their own (Postgres's default);
-- the SECURITY DEFINER ones are revoked from PUBLIC and granted to the role that calls them.
-- ---------------------------------------------------------------------------------------------

GRANT EXECUTE ON FUNCTION access_reviews_append_only() TO PUBLIC, te_app;
GRANT EXECUTE ON FUNCTION app_tenant_visible(text) TO PUBLIC, te_app;
GRANT EXECUTE ON FUNCTION attribute_key_range_cells(text,text,numeric) TO PUBLIC, te_app;
GRANT EXECUTE ON FUNCTION attribute_number_cells(numeric) TO PUBLIC, te_app;
GRANT EXECUTE ON FUNCTION attribute_number_range_cells(text,numeric) TO PUBLIC, te_app;
GRANT EXECUTE ON FUNCTION audit_log_append_only() TO PUBLIC, te_app;
GRANT EXECUTE ON FUNCTION audit_log_chain() TO PUBLIC, te_app;
GRANT EXECUTE ON FUNCTION audit_log_head() TO te_app, te_reader, te_writer;
GRANT EXECUTE ON FUNCTION audit_log_no_truncate() TO PUBLIC, te_app;
GRANT EXECUTE ON FUNCTION audit_log_row_hash(audit_log) TO PUBLIC, te_app;
GRANT EXECUTE ON FUNCTION ensure_log_partitions(date,date) TO te_app, te_writer;
GRANT EXECUTE ON FUNCTION log_records_matching(text[],timestamp with time zone,timestamp with time zone,integer,text,boolean,timestamp with time zone,text,bigint,integer) TO te_reader;
GRANT EXECUTE ON FUNCTION ensure_span_partitions(date,date) TO te_app, te_writer;
GRANT EXECUTE ON FUNCTION ingest_log_partitions(date,date) TO te_writer;
GRANT EXECUTE ON FUNCTION ingest_span_partitions(date,date) TO te_app, te_writer;
GRANT EXECUTE ON FUNCTION investigate_spans_with_id(text,timestamp with time zone,timestamp with time zone) TO te_app, te_reader;
GRANT EXECUTE ON FUNCTION pending_revocations_resolve_once() TO PUBLIC, te_app;
GRANT EXECUTE ON FUNCTION rollup_bucket(bigint) TO PUBLIC, te_app;
GRANT EXECUTE ON FUNCTION rollup_merge_buckets(smallint[],smallint[]) TO PUBLIC, te_app;
GRANT EXECUTE ON FUNCTION rollup_merge_weights(smallint[],double precision[],smallint[],double precision[]) TO PUBLIC, te_app;
GRANT EXECUTE ON FUNCTION trace_attribute_number_cells(jsonb) TO PUBLIC, te_app;
GRANT EXECUTE ON FUNCTION trace_attributes_merge(jsonb,jsonb,integer,integer) TO PUBLIC, te_app;
GRANT EXECUTE ON FUNCTION traces_fill_number_cells() TO PUBLIC, te_app;
GRANT EXECUTE ON FUNCTION traces_matching_attributes(jsonb) TO te_app, te_reader;
GRANT EXECUTE ON FUNCTION traces_matching_number(text,text,numeric,text[],timestamp with time zone,timestamp with time zone) TO te_app, te_reader;
GRANT EXECUTE ON FUNCTION traces_matching_number_estimate(text,text,numeric,text[],timestamp with time zone,timestamp with time zone) TO te_app, te_reader;

-- ---------------------------------------------------------------------------------------------
-- Tables and sequences the owner creates later (daily span partitions, future migrations)
-- come with te_app's grants; a future append-only table must revoke UPDATE and DELETE as above.
-- ---------------------------------------------------------------------------------------------

ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO te_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO te_app;
