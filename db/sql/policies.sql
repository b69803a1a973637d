-- Row-level security.
--
-- Documentation, checked and never applied: the current definition of each object below, as
-- Postgres prints it after every migration has run (db/migrations redefines some of them more
-- than once). db/sql/definitions.test.ts migrates a fresh database and fails when it holds
-- anything this folder does not say, so a migration that changes a definition changes this file
-- in the same commit. To change a definition, write a migration; then copy the definition the
-- test prints here.
--
-- The second layer of tenant isolation, under the query layer's filters (0003). Forced, so it
-- applies to the owner too; each table has a policy per role:
--   <table>_owner   the owner (migrations, seed, retention): every row (CURRENT_USER when 0003 ran)
--   <table>_reader  te_reader, the dashboard's reads: the tenants app_tenant_visible() allows
--                   (functions.sql), as db/reader-scope.ts sets them for the transaction
--   <table>_writer  te_writer, ingest: every row
--   <table>_app     te_app's own queries outside te_reader: every row, as the owner's were (0018)
-- te_reader has no policy on span_rollup_delta, so it reads none of it; te_writer only inserts
-- there (0009).

-- ---------------------------------------------------------------------------------------------
-- spans
-- ---------------------------------------------------------------------------------------------

ALTER TABLE spans ENABLE ROW LEVEL SECURITY;
ALTER TABLE spans FORCE ROW LEVEL SECURITY;
CREATE POLICY spans_app ON spans TO te_app USING (true) WITH CHECK (true);
CREATE POLICY spans_owner ON spans TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY spans_reader ON spans FOR SELECT TO te_reader USING (app_tenant_visible(tenant_id));
CREATE POLICY spans_writer ON spans TO te_writer USING (true) WITH CHECK (true);

-- ---------------------------------------------------------------------------------------------
-- span_segments (migration 0028): as spans
-- ---------------------------------------------------------------------------------------------

ALTER TABLE span_segments ENABLE ROW LEVEL SECURITY;
ALTER TABLE span_segments FORCE ROW LEVEL SECURITY;
CREATE POLICY span_segments_app ON span_segments TO te_app USING (true) WITH CHECK (true);
CREATE POLICY span_segments_owner ON span_segments TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY span_segments_reader ON span_segments FOR SELECT TO te_reader USING (app_tenant_visible(tenant_id));
CREATE POLICY span_segments_writer ON span_segments TO te_writer USING (true) WITH CHECK (true);

-- ---------------------------------------------------------------------------------------------
-- sealed_span_refs (migration 0030): as spans
-- ---------------------------------------------------------------------------------------------

ALTER TABLE sealed_span_refs ENABLE ROW LEVEL SECURITY;
ALTER TABLE sealed_span_refs FORCE ROW LEVEL SECURITY;
CREATE POLICY sealed_span_refs_app ON sealed_span_refs TO te_app USING (true) WITH CHECK (true);
CREATE POLICY sealed_span_refs_owner ON sealed_span_refs TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY sealed_span_refs_reader ON sealed_span_refs FOR SELECT TO te_reader USING (app_tenant_visible(tenant_id));
CREATE POLICY sealed_span_refs_writer ON sealed_span_refs TO te_writer USING (true) WITH CHECK (true);

-- ---------------------------------------------------------------------------------------------
-- traces
-- ---------------------------------------------------------------------------------------------

ALTER TABLE traces ENABLE ROW LEVEL SECURITY;
ALTER TABLE traces FORCE ROW LEVEL SECURITY;
CREATE POLICY traces_app ON traces TO te_app USING (true) WITH CHECK (true);
CREATE POLICY traces_owner ON traces TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY traces_reader ON traces FOR SELECT TO te_reader USING (app_tenant_visible(tenant_id));
CREATE POLICY traces_writer ON traces TO te_writer USING (true) WITH CHECK (true);

-- ---------------------------------------------------------------------------------------------
-- resources
-- ---------------------------------------------------------------------------------------------

ALTER TABLE resources ENABLE ROW LEVEL SECURITY;
ALTER TABLE resources FORCE ROW LEVEL SECURITY;
CREATE POLICY resources_app ON resources TO te_app USING (true) WITH CHECK (true);
CREATE POLICY resources_owner ON resources TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY resources_reader ON resources FOR SELECT TO te_reader USING (app_tenant_visible(tenant_id));
CREATE POLICY resources_writer ON resources TO te_writer USING (true) WITH CHECK (true);

-- ---------------------------------------------------------------------------------------------
-- log_records (migration 0023): as spans
-- ---------------------------------------------------------------------------------------------

ALTER TABLE log_records ENABLE ROW LEVEL SECURITY;
ALTER TABLE log_records FORCE ROW LEVEL SECURITY;
CREATE POLICY log_records_app ON log_records TO te_app USING (true) WITH CHECK (true);
CREATE POLICY log_records_owner ON log_records TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY log_records_reader ON log_records FOR SELECT TO te_reader USING (app_tenant_visible(tenant_id));
CREATE POLICY log_records_writer ON log_records TO te_writer USING (true) WITH CHECK (true);

-- ---------------------------------------------------------------------------------------------
-- saved_queries (migration 0019): by user, not by tenant; te_app sees the rows of app.user_id
-- ---------------------------------------------------------------------------------------------

ALTER TABLE saved_queries ENABLE ROW LEVEL SECURITY;
ALTER TABLE saved_queries FORCE ROW LEVEL SECURITY;
CREATE POLICY saved_queries_app ON saved_queries TO te_app USING ((user_id = (NULLIF(current_setting('app.user_id'::text, true), ''::text))::uuid)) WITH CHECK ((user_id = (NULLIF(current_setting('app.user_id'::text, true), ''::text))::uuid));
CREATE POLICY saved_queries_owner ON saved_queries TO CURRENT_USER USING (true) WITH CHECK (true);

-- ---------------------------------------------------------------------------------------------
-- scopes
-- ---------------------------------------------------------------------------------------------

ALTER TABLE scopes ENABLE ROW LEVEL SECURITY;
ALTER TABLE scopes FORCE ROW LEVEL SECURITY;
CREATE POLICY scopes_app ON scopes TO te_app USING (true) WITH CHECK (true);
CREATE POLICY scopes_owner ON scopes TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY scopes_reader ON scopes FOR SELECT TO te_reader USING (app_tenant_visible(tenant_id));
CREATE POLICY scopes_writer ON scopes TO te_writer USING (true) WITH CHECK (true);

-- ---------------------------------------------------------------------------------------------
-- tenants
-- ---------------------------------------------------------------------------------------------

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenants_app ON tenants TO te_app USING (true) WITH CHECK (true);
CREATE POLICY tenants_owner ON tenants TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY tenants_reader ON tenants FOR SELECT TO te_reader USING (app_tenant_visible(id));
CREATE POLICY tenants_writer ON tenants TO te_writer USING (true) WITH CHECK (true);

-- ---------------------------------------------------------------------------------------------
-- span_rollup
-- ---------------------------------------------------------------------------------------------

ALTER TABLE span_rollup ENABLE ROW LEVEL SECURITY;
ALTER TABLE span_rollup FORCE ROW LEVEL SECURITY;
CREATE POLICY span_rollup_app ON span_rollup TO te_app USING (true) WITH CHECK (true);
CREATE POLICY span_rollup_owner ON span_rollup TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY span_rollup_reader ON span_rollup FOR SELECT TO te_reader USING (app_tenant_visible(tenant_id));
CREATE POLICY span_rollup_writer ON span_rollup TO te_writer USING (true) WITH CHECK (true);

-- ---------------------------------------------------------------------------------------------
-- span_rollup_delta
-- ---------------------------------------------------------------------------------------------

ALTER TABLE span_rollup_delta ENABLE ROW LEVEL SECURITY;
ALTER TABLE span_rollup_delta FORCE ROW LEVEL SECURITY;
CREATE POLICY span_rollup_delta_app ON span_rollup_delta TO te_app USING (true) WITH CHECK (true);
CREATE POLICY span_rollup_delta_owner ON span_rollup_delta TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY span_rollup_delta_writer ON span_rollup_delta FOR INSERT TO te_writer WITH CHECK (true);

-- ---------------------------------------------------------------------------------------------
-- service_map_rollup and service_map_delta (0022), as span_rollup and span_rollup_delta
-- ---------------------------------------------------------------------------------------------

ALTER TABLE service_map_delta ENABLE ROW LEVEL SECURITY;
ALTER TABLE service_map_delta FORCE ROW LEVEL SECURITY;
CREATE POLICY service_map_delta_app ON service_map_delta TO te_app USING (true) WITH CHECK (true);
CREATE POLICY service_map_delta_owner ON service_map_delta TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY service_map_delta_writer ON service_map_delta FOR INSERT TO te_writer WITH CHECK (true);
ALTER TABLE service_map_rollup ENABLE ROW LEVEL SECURITY;
ALTER TABLE service_map_rollup FORCE ROW LEVEL SECURITY;
CREATE POLICY service_map_rollup_app ON service_map_rollup TO te_app USING (true) WITH CHECK (true);
CREATE POLICY service_map_rollup_owner ON service_map_rollup TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY service_map_rollup_reader ON service_map_rollup FOR SELECT TO te_reader USING (app_tenant_visible(tenant_id));
CREATE POLICY service_map_rollup_writer ON service_map_rollup TO te_writer USING (true) WITH CHECK (true);
