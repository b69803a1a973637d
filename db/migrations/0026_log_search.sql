-- Finding log records by body words and severity for the reader role (issue 20 item 5). custom SQL
-- Under row-level security Postgres uses no non-LEAKPROOF operator as an index condition, and
-- tsvector @@ tsquery is one: the reader role could never use log_records_body_search_idx, so
-- a text filter read every log of the window. This probe runs the search as the owner, where
-- the index works, and applies the reader's tenant rule itself (as traces_matching_attributes
-- does for attributes). The query runs through EXECUTE so each call is planned with its own
-- values: a rare word goes through the full-text index, a common one walks the window newest
-- first until the limit is met.
CREATE FUNCTION log_records_matching(
  p_tenants text[],
  p_from timestamptz,
  p_to timestamptz,
  p_min_severity integer,
  p_text text,
  p_traced boolean,
  p_before_time timestamptz,
  p_before_tenant text,
  p_before_record bigint,
  p_limit integer
) RETURNS TABLE (tenant_id text, "time" timestamptz, record_id bigint, trace_id uuid)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp ROWS 100
AS $$
BEGIN
  RETURN QUERY EXECUTE format(
    'SELECT l.tenant_id, l.time, l.record_id, l.trace_id FROM log_records l
     WHERE l.time >= $2 AND l.time < $3 AND app_tenant_visible(l.tenant_id) %s %s %s %s %s
     ORDER BY l.time DESC, l.tenant_id DESC, l.record_id DESC %s',
    -- One tenant as an equality: the primary key (tenant_id, time, record_id) then walks its
    -- window newest first, which a common word needs (= ANY cannot walk it in time order).
    CASE WHEN p_tenants IS NULL THEN '' WHEN cardinality(p_tenants) = 1 THEN 'AND l.tenant_id = $1[1]' ELSE 'AND l.tenant_id = ANY ($1)' END,
    CASE WHEN p_min_severity > 0 THEN 'AND l.severity_number >= $4' ELSE '' END,
    CASE WHEN p_text IS NULL THEN ''
         ELSE 'AND to_tsvector(''simple''::regconfig, coalesce(l.body #>> ''{}'', '''')) @@ plainto_tsquery(''simple''::regconfig, $5)' END,
    CASE WHEN p_traced THEN 'AND l.trace_id IS NOT NULL' ELSE '' END,
    CASE WHEN p_before_time IS NULL THEN '' ELSE 'AND (l.time, l.tenant_id, l.record_id) < ($6, $7, $8)' END,
    CASE WHEN p_limit IS NULL THEN '' ELSE 'LIMIT $9' END
  ) USING p_tenants, p_from, p_to, p_min_severity, p_text, p_before_time, p_before_tenant, p_before_record, p_limit;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION log_records_matching(text[], timestamptz, timestamptz, integer, text, boolean, timestamptz, text, bigint, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION log_records_matching(text[], timestamptz, timestamptz, integer, text, boolean, timestamptz, text, bigint, integer) TO te_reader;
