-- Trace search's number cells (0010) as a column written with the summary instead of an
-- expression index: Postgres ran trace_attribute_number_cells (a SQL function over every value
-- of the summary, with a PL/pgSQL call per number) for every trace ingest stored, about a
-- quarter of its CPU per span (BENCHMARKS.md, Ingest). Ingest computes the same cells in the
-- server (lib/ingest/number-cells.ts) and sends them; on a late span it adds the new spans'
-- cells to the stored ones, a superset of the merged summary's, which is all the probe needs
-- (traces_matching_number checks each trace's values itself).
-- custom SQL
ALTER TABLE traces ADD COLUMN attribute_number_cells text[];
--> statement-breakpoint
UPDATE traces SET attribute_number_cells = trace_attribute_number_cells(attributes);
--> statement-breakpoint
-- Any other writer (the demo generator, tests, a manual INSERT) may leave the column out: the
-- cells are then computed here. A writer that changes `attributes` must send the cells too,
-- or set the column to NULL to have them recomputed; ingest's merge sends them.
CREATE FUNCTION traces_fill_number_cells() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  NEW.attribute_number_cells := trace_attribute_number_cells(NEW.attributes);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER traces_fill_number_cells BEFORE INSERT OR UPDATE ON traces
FOR EACH ROW WHEN (NEW.attribute_number_cells IS NULL) EXECUTE FUNCTION traces_fill_number_cells();
--> statement-breakpoint
DROP INDEX traces_attribute_numbers_idx;
--> statement-breakpoint
CREATE INDEX traces_attribute_numbers_idx ON traces USING gin (attribute_number_cells);
--> statement-breakpoint
-- The probe now returns the candidates its cells find without checking each trace's values:
-- every caller (lib/traces/search-sql.ts) checks the exact condition on the rows anyway, and
-- checking it here too read every candidate's attribute summary twice, a third of the probe's
-- time for a condition matching 1,121 traces of a 7-day window (bench/search.ts).
CREATE OR REPLACE FUNCTION traces_matching_number(key text, op text, bound numeric, tenants text[], since timestamptz, until timestamptz)
RETURNS TABLE (tenant_id text, trace_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_custom_plan ROWS 100
AS $$
  SELECT t.tenant_id, t.trace_id FROM traces t
  WHERE t.attribute_number_cells && attribute_key_range_cells(key, op, bound)
    AND t.start_time >= since AND t.start_time < until
    AND (tenants IS NULL OR t.tenant_id = ANY (tenants))
    AND app_tenant_visible(t.tenant_id)
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION traces_matching_number_estimate(key text, op text, bound numeric, tenants text[], since timestamptz, until timestamptz)
RETURNS double precision
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  share double precision;
  plan jsonb;
BEGIN
  SELECT coalesce(sum(f.freq), 0) INTO share
  FROM pg_stats s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS f(cell, freq)
  WHERE s.schemaname = 'public' AND s.tablename = 'traces' AND s.attname = 'attribute_number_cells'
    AND f.cell = ANY (attribute_key_range_cells(key, op, bound));
  EXECUTE format(
    'EXPLAIN (FORMAT JSON) SELECT 1 FROM traces t WHERE t.start_time >= %L::timestamptz AND t.start_time < %L::timestamptz
       AND (%L::text[] IS NULL OR t.tenant_id = ANY (%L::text[]))',
    since, until, tenants, tenants) INTO plan;
  RETURN least(share, 1) * (plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision;
END
$$;
