-- traces_matching_number_estimate runs as the owner and took any tenant list: a te_reader
-- session naming a tenant outside its scope got the planner's estimate of that tenant's traces
-- in a window, figures row-level security hides from it. It now estimates for the visible
-- tenants among those named (all of them when none are named), like every other reader.
CREATE OR REPLACE FUNCTION public.traces_matching_number_estimate(key text, op text, bound numeric, tenants text[], since timestamp with time zone, until timestamp with time zone)
 RETURNS double precision
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  share double precision;
  plan jsonb;
  visible text[];
BEGIN
  SELECT coalesce(array_agg(t.id), '{}') INTO visible FROM tenants t
  WHERE app_tenant_visible(t.id) AND (traces_matching_number_estimate.tenants IS NULL OR t.id = ANY (traces_matching_number_estimate.tenants));
  SELECT coalesce(sum(f.freq), 0) INTO share
  FROM pg_stats s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS f(cell, freq)
  WHERE s.schemaname = 'public' AND s.tablename = 'traces' AND s.attname = 'attribute_number_cells'
    AND f.cell = ANY (attribute_key_range_cells(key, op, bound));
  EXECUTE format(
    'EXPLAIN (FORMAT JSON) SELECT 1 FROM traces t WHERE t.start_time >= %L::timestamptz AND t.start_time < %L::timestamptz
       AND t.tenant_id = ANY (%L::text[])',
    since, until, visible) INTO plan;
  RETURN least(share, 1) * (plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision;
END
$function$;
