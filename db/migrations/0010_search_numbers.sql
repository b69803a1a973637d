-- Numeric attribute conditions (`key > n`, `key < n`) of trace search (lib/traces/search-sql.ts).
-- custom SQL
-- A number's cells: its sign and decimal exponent ('+e2' holds 100 <= v < 1000), and within that
-- its first two significant digits, split into the edge ('+e2:50=' is exactly 500) and the rest
-- ('+e2:50' holds 500 < v < 510), so that `> 500` need not read every 500. Exponents past
-- +-20 share one cell without digits; zero is '0'. Computed from the exact decimal text, never
-- a float logarithm, so a value and a bound always land in consistent cells.
CREATE FUNCTION attribute_number_cells(v numeric) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
  a numeric := abs(v);
  sign text := CASE WHEN v < 0 THEN '-' ELSE '+' END;
  frac text;
  digits text;
  e integer;
BEGIN
  IF v = 0 THEN
    RETURN ARRAY['0'];
  END IF;
  IF a >= 1 THEN
    digits := replace(a::text, '.', '');
    e := length(trunc(a)::text) - 1;
  ELSE
    frac := split_part(a::text, '.', 2);
    digits := ltrim(frac, '0');
    e := length(digits) - length(frac) - 1;
  END IF;
  IF e > 20 THEN
    RETURN ARRAY[sign || 'e21'];
  ELSIF e < -20 THEN
    RETURN ARRAY[sign || 'e-21'];
  END IF;
  RETURN ARRAY[sign || 'e' || e,
               sign || 'e' || e || ':' || rpad(left(digits, 2), 2, '0') || CASE WHEN length(rtrim(digits, '0')) <= 2 THEN '=' ELSE '' END];
END
$$;
--> statement-breakpoint
-- Cells that can hold a number above the bound (op '>') or below it ('<'): every cell after the
-- bound's in value order and the part of the bound's own cells past it. A superset: callers
-- check the exact condition on what the cells find.
CREATE FUNCTION attribute_number_range_cells(op text, bound numeric) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
  -- '<' is '>' on the negated numbers, whose cells are the same with the sign flipped.
  b numeric := CASE WHEN op = '<' THEN -bound ELSE bound END;
  ordered text[] := ARRAY(SELECT '-e' || e FROM generate_series(21, -21, -1) e) || ARRAY['0']
                    || ARRAY(SELECT '+e' || e FROM generate_series(-21, 21) e);
  own text[] := public.attribute_number_cells(b);
  digits text;
  dd integer;
  edge boolean;
  cells text[];
BEGIN
  IF op NOT IN ('>', '<') THEN
    RAISE EXCEPTION 'attribute_number_range_cells: op must be > or <, not %', op;
  END IF;
  cells := ordered[array_position(ordered, own[1]) + 1:];
  IF cardinality(own) = 1 THEN
    -- Zero holds nothing above zero; a shared extreme cell holds some numbers past the bound.
    IF b <> 0 THEN
      cells := cells || own[1];
    END IF;
  ELSE
    digits := split_part(own[2], ':', 2);
    dd := left(digits, 2)::integer;
    edge := right(digits, 1) = '=';
    IF b > 0 THEN
      -- Above a positive bound: the rest of its two-digit cell, then every higher one.
      cells := cells || (own[1] || ':' || dd) || ARRAY(
        SELECT own[1] || ':' || d || x FROM generate_series(dd + 1, 99) d, unnest(ARRAY['', '=']) x);
    ELSE
      -- Above a negative bound: smaller magnitudes, so lower two digits; within the bound's own
      -- cell, its edge and rest when the bound is inside it.
      cells := cells || ARRAY(
        SELECT own[1] || ':' || d || x FROM generate_series(10, dd - 1) d, unnest(ARRAY['', '=']) x);
      IF NOT edge THEN
        cells := cells || (own[1] || ':' || dd) || (own[1] || ':' || dd || '=');
      END IF;
    END IF;
  END IF;
  IF op = '<' THEN
    cells := ARRAY(SELECT CASE left(c, 1) WHEN '+' THEN '-' || substr(c, 2) WHEN '-' THEN '+' || substr(c, 2) ELSE c END FROM unnest(cells) c);
  END IF;
  RETURN cells;
END
$$;
--> statement-breakpoint
-- Every number of a trace's attribute summary as 'key<US>cell' (lib/ingest/trace-attributes.ts:
-- {"key": [values]}). Postgres maintains the index below from traces.attributes; ingest writes
-- nothing new.
CREATE FUNCTION trace_attribute_number_cells(attributes jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT coalesce(array_agg(DISTINCT a.key || chr(31) || c), '{}')
  FROM jsonb_each(CASE WHEN jsonb_typeof(attributes) = 'object' THEN attributes ELSE '{}' END) a,
       jsonb_array_elements(CASE WHEN jsonb_typeof(a.value) = 'array' THEN a.value ELSE jsonb_build_array(a.value) END) v,
       unnest(public.attribute_number_cells(CASE WHEN jsonb_typeof(v) = 'number' THEN v::numeric END)) c
$$;
--> statement-breakpoint
CREATE INDEX traces_attribute_numbers_idx ON traces USING gin (trace_attribute_number_cells(attributes));
--> statement-breakpoint
-- The probe's cells for one condition, as 'key<US>cell'.
CREATE FUNCTION attribute_key_range_cells(key text, op text, bound numeric) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT ARRAY(SELECT key || chr(31) || c FROM unnest(public.attribute_number_range_cells(op, bound)) c)
$$;
--> statement-breakpoint
-- Traces with a number of `key` above (op '>') or below ('<') `bound` that started in
-- [since, until), of the given tenants (NULL: any). Runs as the owner because row-level
-- security keeps `text[] &&` (not LEAKPROOF) off the index for the reader role, and applies the
-- reader's tenant rule itself, like traces_matching_attributes.
CREATE FUNCTION traces_matching_number(key text, op text, bound numeric, tenants text[], since timestamptz, until timestamptz)
RETURNS TABLE (tenant_id text, trace_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_custom_plan ROWS 100
AS $$
  SELECT t.tenant_id, t.trace_id FROM traces t
  WHERE trace_attribute_number_cells(t.attributes) && attribute_key_range_cells(key, op, bound)
    AND jsonb_path_exists(t.attributes -> key, CASE op WHEN '>' THEN '$[*] ? (@ > $v)' ELSE '$[*] ? (@ < $v)' END::jsonpath, jsonb_build_object('v', bound))
    AND t.start_time >= since AND t.start_time < until
    AND (tenants IS NULL OR t.tenant_id = ANY (tenants))
    AND app_tenant_visible(t.tenant_id)
$$;
--> statement-breakpoint
-- About how many traces traces_matching_number finds: the share of traces holding the cells
-- (the index's element statistics, from ANALYZE) times the planner's row estimate for the
-- window. The search probes the index when they are few and walks the window in sort order
-- when the condition is common (it then meets a page of matches sooner than the index lists
-- them all). Table-wide statistics, as every plan uses: they decide speed, never the result.
-- The planner's own estimate for `&&` adds a default share for each cell missing from the
-- statistics, which for a range of some seventy cells is several times the truth.
-- VOLATILE because Postgres allows EXPLAIN only there.
CREATE FUNCTION traces_matching_number_estimate(key text, op text, bound numeric, tenants text[], since timestamptz, until timestamptz)
RETURNS double precision
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  share double precision;
  plan jsonb;
BEGIN
  SELECT coalesce(sum(f.freq), 0) INTO share
  FROM pg_stats s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS f(cell, freq)
  WHERE s.schemaname = 'public' AND s.tablename = 'traces_attribute_numbers_idx'
    AND f.cell = ANY (attribute_key_range_cells(key, op, bound));
  EXECUTE format(
    'EXPLAIN (FORMAT JSON) SELECT 1 FROM traces t WHERE t.start_time >= %L::timestamptz AND t.start_time < %L::timestamptz
       AND (%L::text[] IS NULL OR t.tenant_id = ANY (%L::text[]))',
    since, until, tenants, tenants) INTO plan;
  RETURN least(share, 1) * (plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION traces_matching_number(text, text, numeric, text[], timestamptz, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION traces_matching_number(text, text, numeric, text[], timestamptz, timestamptz) TO te_reader;
--> statement-breakpoint
REVOKE ALL ON FUNCTION traces_matching_number_estimate(text, text, numeric, text[], timestamptz, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION traces_matching_number_estimate(text, text, numeric, text[], timestamptz, timestamptz) TO te_reader;
