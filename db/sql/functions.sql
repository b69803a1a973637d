-- Functions (trigger functions are in triggers.sql).
--
-- Documentation, checked and never applied: the current definition of each object below, as
-- Postgres prints it after every migration has run (db/migrations redefines some of them more
-- than once). db/sql/definitions.test.ts migrates a fresh database and fails when it holds
-- anything this folder does not say, so a migration that changes a definition changes this file
-- in the same commit. To change a definition, write a migration; then copy the definition the
-- test prints here.

-- ---------------------------------------------------------------------------------------------
-- Span partitions
-- ---------------------------------------------------------------------------------------------

-- Daily partitions of a table partitioned by day, created ahead of time (0027: one definition
-- for spans and log records, which had one each in 0001/0009 and 0023). Runs as the owner inside
-- the SECURITY DEFINER functions below and is executable by no app role. `writer_inserts` grants
-- te_writer INSERT on each new partition: ingest COPYs spans and log records into their
-- partitions, which have no policies (COPY refuses a table with row-level security), and
-- te_reader gets nothing there.
CREATE OR REPLACE FUNCTION public.ensure_day_partitions(parent text, from_day date, to_day date, writer_inserts boolean)
 RETURNS integer
 LANGUAGE plpgsql
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  d date;
  part text;
  created integer := 0;
BEGIN
  IF to_day < from_day THEN
    RAISE EXCEPTION 'to_day % is before from_day %', to_day, from_day;
  END IF;
  IF to_day - from_day > 400 THEN
    RAISE EXCEPTION 'refusing to create more than 400 partitions at once';
  END IF;
  d := from_day;
  WHILE d <= to_day LOOP
    part := parent || '_p' || to_char(d, 'YYYYMMDD');
    IF to_regclass('public.' || part) IS NULL THEN
      BEGIN
        EXECUTE format(
          'CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
          part,
          parent,
          (d::timestamp AT TIME ZONE 'UTC'),
          ((d + 1)::timestamp AT TIME ZONE 'UTC')
        );
        IF writer_inserts THEN
          EXECUTE format('GRANT INSERT ON %I TO te_writer', part);
        END IF;
        created := created + 1;
      EXCEPTION WHEN duplicate_table THEN
        -- A concurrent caller created it first; that is the outcome we wanted.
        NULL;
      END;
    END IF;
    d := d + 1;
  END LOOP;
  RETURN created;
END;
$function$;

-- Daily partitions of spans, made by ingest for its spans' days and by the retention run for the
-- days ahead; SECURITY DEFINER so the ingest role can create the partition of a day it is about
-- to write without owning the table. Each day's span_segments partition comes with it (0028), and
-- its sealed_span_refs partition (0030), so a span's sealed form always has a partition; the count
-- returned is still the spans'.
CREATE OR REPLACE FUNCTION public.ensure_span_partitions(from_day date, to_day date)
 RETURNS integer
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$ SELECT ensure_day_partitions('span_segments', from_day, to_day, false); SELECT ensure_day_partitions('sealed_span_refs', from_day, to_day, false); SELECT ensure_day_partitions('spans', from_day, to_day, true) $function$;

-- The partitions ingest COPYs a request's spans into, one per day, created if missing (0009). A
-- day whose table exists but is detached (the purge detached it and has not dropped it yet)
-- fails like a missing partition: rows written there would be lost.
CREATE OR REPLACE FUNCTION public.ingest_span_partitions(from_day date, to_day date)
 RETURNS text[]
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  names text[];
BEGIN
  PERFORM ensure_span_partitions(from_day, to_day);
  SELECT array_agg('spans_p' || to_char(d, 'YYYYMMDD') ORDER BY d) INTO names
  FROM generate_series(from_day, to_day, interval '1 day') AS d;
  IF (SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'spans'::regclass AND c.relname = ANY(names)) <> cardinality(names) THEN
    RAISE EXCEPTION 'no partition of relation "spans" is attached for a day from % to %', from_day, to_day
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN names;
END;
$function$;

-- ---------------------------------------------------------------------------------------------
-- Log partitions
-- ---------------------------------------------------------------------------------------------

-- Daily partitions of log_records (0023, 0027), made as the span ones are: by ingest for its
-- records' days and by the retention run for the days ahead. Ingest COPYs its records into them
-- (0029), so te_writer gets INSERT on each, as on span partitions.
CREATE OR REPLACE FUNCTION public.ensure_log_partitions(from_day date, to_day date)
 RETURNS integer
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$ SELECT ensure_day_partitions('log_records', from_day, to_day, true) $function$;

-- The days' partitions of a table partitioned by day, by name, once its caller has made them
-- (0029): a day whose table exists but is detached fails like a missing partition, as in
-- ingest_span_partitions. Runs as the owner inside ingest_log_partitions; executable by no app role.
CREATE OR REPLACE FUNCTION public.attached_day_partitions(parent text, from_day date, to_day date)
 RETURNS text[]
 LANGUAGE plpgsql
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  names text[];
BEGIN
  SELECT array_agg(parent || '_p' || to_char(d, 'YYYYMMDD') ORDER BY d) INTO names
  FROM generate_series(from_day, to_day, interval '1 day') AS d;
  IF (SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = parent::regclass AND c.relname = ANY(names)) <> cardinality(names) THEN
    RAISE EXCEPTION 'no partition of relation "%" is attached for a day from % to %', parent, from_day, to_day
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN names;
END;
$function$;

-- The partitions ingest COPYs a request's log records into, one per day, created if missing
-- (0029); a record already stored makes the COPY fail, and the request is written again with an
-- insert that skips it (lib/ingest/logs/store.ts).
CREATE OR REPLACE FUNCTION public.ingest_log_partitions(from_day date, to_day date)
 RETURNS text[]
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$ SELECT ensure_log_partitions(from_day, to_day); SELECT attached_day_partitions('log_records', from_day, to_day) $function$;

-- ---------------------------------------------------------------------------------------------
-- The tenant rule
-- ---------------------------------------------------------------------------------------------

-- What te_reader may see (policies.sql): the tenants db/reader-scope.ts sets for its transaction, or
-- all of them. PL/pgSQL so the planner does not inline it (0008): inlined, the OR of
-- current_setting() calls is estimated to keep a fraction of a percent of the rows and searches
-- sort a whole window instead of walking traces_start_idx (470 ms instead of 0.9 ms,
-- bench/search.ts). Opaque, a boolean function is estimated at a third.
CREATE OR REPLACE FUNCTION public.app_tenant_visible(tenant text)
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE
AS $function$
BEGIN
  RETURN coalesce(current_setting('app.all_tenants', true), 'off') = 'on'
      OR tenant = ANY (string_to_array(nullif(current_setting('app.tenant_ids', true), ''), ','));
END
$function$;

-- ---------------------------------------------------------------------------------------------
-- SECURITY DEFINER readers, executable by te_reader (roles.sql)
--
-- Postgres uses no non-LEAKPROOF operator (jsonb @>, ->>, text[] &&) as an index condition
-- under row-level security, so these run as the owner, where the indexes work, and each applies
-- app_tenant_visible() itself; the callers filter tenants again in SQL. definitions.test.ts
-- fails for a SECURITY DEFINER function that reads a tenant table without app_tenant_visible,
-- unless it is listed there with its reason (none is).
-- ---------------------------------------------------------------------------------------------

-- Lineage (lib/investigate): the spans of a job or event id in a window, through the expression
-- indexes spans_job_id_idx and spans_event_id_idx (0006), and sealed spans' through
-- sealed_span_refs' (0030), less those a row repeats.
CREATE OR REPLACE FUNCTION public.investigate_spans_with_id(p_id text, p_from timestamp with time zone, p_to timestamp with time zone)
 RETURNS TABLE(tenant_id text, trace_id uuid, matched text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
  SELECT s.tenant_id, s.trace_id, 'job' FROM spans s
  WHERE s.attributes ? 'job.id' AND s.attributes ->> 'job.id' = p_id
    AND s.start_time >= p_from AND s.start_time < p_to AND app_tenant_visible(s.tenant_id)
  UNION
  SELECT s.tenant_id, s.trace_id, 'event' FROM spans s
  WHERE s.attributes ? 'event.id' AND s.attributes ->> 'event.id' = p_id
    AND s.start_time >= p_from AND s.start_time < p_to AND app_tenant_visible(s.tenant_id)
  UNION
  SELECT r.tenant_id, r.trace_id, 'job' FROM sealed_span_refs r
  WHERE r.attributes ? 'job.id' AND r.attributes ->> 'job.id' = p_id
    AND r.start_time >= p_from AND r.start_time < p_to AND app_tenant_visible(r.tenant_id)
    AND NOT EXISTS (SELECT 1 FROM spans x WHERE x.tenant_id = r.tenant_id AND x.trace_id = r.trace_id AND x.span_id = r.span_id AND x.start_time = r.start_time)
  UNION
  SELECT r.tenant_id, r.trace_id, 'event' FROM sealed_span_refs r
  WHERE r.attributes ? 'event.id' AND r.attributes ->> 'event.id' = p_id
    AND r.start_time >= p_from AND r.start_time < p_to AND app_tenant_visible(r.tenant_id)
    AND NOT EXISTS (SELECT 1 FROM spans x WHERE x.tenant_id = r.tenant_id AND x.trace_id = r.trace_id AND x.span_id = r.span_id AND x.start_time = r.start_time)
$function$;

-- Trace search's `key = value` conditions and job/event id lookups, through the GIN index
-- traces_attributes_idx (0008).
CREATE OR REPLACE FUNCTION public.traces_matching_attributes(filter jsonb)
 RETURNS TABLE(tenant_id text, trace_id uuid)
 LANGUAGE sql
 STABLE SECURITY DEFINER ROWS 100
 SET search_path TO 'public', 'pg_temp'
AS $function$
  SELECT t.tenant_id, t.trace_id FROM traces t WHERE t.attributes @> filter AND app_tenant_visible(t.tenant_id)
$function$;

-- Trace search's `key > n` / `key < n`: candidate traces whose number cells overlap the
-- condition's, through traces_attribute_numbers_idx (0010, 0011). Returns candidates without
-- checking each trace's values: every caller (lib/traces/search/search-sql.ts) checks the exact
-- condition on the rows anyway.
CREATE OR REPLACE FUNCTION public.traces_matching_number(key text, op text, bound numeric, tenants text[], since timestamp with time zone, until timestamp with time zone)
 RETURNS TABLE(tenant_id text, trace_id uuid)
 LANGUAGE sql
 STABLE SECURITY DEFINER ROWS 100
 SET search_path TO 'public', 'pg_temp'
 SET plan_cache_mode TO 'force_custom_plan'
AS $function$
  SELECT t.tenant_id, t.trace_id FROM traces t
  WHERE t.attribute_number_cells && attribute_key_range_cells(key, op, bound)
    AND t.start_time >= since AND t.start_time < until
    AND (tenants IS NULL OR t.tenant_id = ANY (tenants))
    AND app_tenant_visible(t.tenant_id)
$function$;

-- About how many traces traces_matching_number finds: the share of traces holding the cells
-- (element statistics from ANALYZE) times the planner's row estimate for the window (0010,
-- 0011), so search can choose between probing the index and walking the window. It reads
-- statistics and an EXPLAIN, never a row, and estimates only for the visible tenants among
-- those named (0020: before, a te_reader session could name any tenant and learn the planner's
-- estimate of its traces). VOLATILE because Postgres allows EXPLAIN only there.
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

-- The audit chain's head, which the app publishes outside the database (lib/audit/head.ts, 0013).
-- The app roles may insert audit rows but not read them. Returns a sequence number and a hash,
-- no tenant data.
CREATE OR REPLACE FUNCTION public.audit_log_head(OUT seq bigint, OUT hash text)
 RETURNS record
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
  SELECT a.seq, a.hash FROM audit_log a ORDER BY a.seq DESC NULLS LAST LIMIT 1
$function$;

-- ---------------------------------------------------------------------------------------------
-- Trace search: attribute summaries and number cells
-- ---------------------------------------------------------------------------------------------

-- Merges two per-trace attribute summaries (lib/ingest/derivations/trace-attributes.ts, 0009): the stored
-- values first, then new ones, each value once, at most max_values per key and the
-- alphabetically first max_keys keys.
CREATE OR REPLACE FUNCTION public.trace_attributes_merge(stored jsonb, added jsonb, max_keys integer, max_values integer)
 RETURNS jsonb
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  WITH pairs AS (
    SELECT e.key, v.value, 0 AS src, v.ord
    FROM jsonb_each(coalesce(stored, '{}')) e, jsonb_array_elements(e.value) WITH ORDINALITY v(value, ord)
    UNION ALL
    SELECT e.key, v.value, 1, v.ord
    FROM jsonb_each(coalesce(added, '{}')) e, jsonb_array_elements(e.value) WITH ORDINALITY v(value, ord)
  ), firsts AS (
    SELECT DISTINCT ON (key, value) key, value, src, ord FROM pairs ORDER BY key, value, src, ord
  ), ranked AS (
    SELECT key, value, src, ord,
           row_number() OVER (PARTITION BY key ORDER BY src, ord) AS nth,
           dense_rank() OVER (ORDER BY key) AS nth_key
    FROM firsts
  )
  SELECT coalesce(jsonb_object_agg(key, vals), '{}'::jsonb)
  FROM (SELECT key, jsonb_agg(value ORDER BY nth) AS vals FROM ranked
        WHERE nth <= max_values AND nth_key <= max_keys GROUP BY key) k
$function$;

-- A number's cells (0010): its sign and decimal exponent ('+e2' holds 100 <= v < 1000), and
-- within that its first two significant digits, split into the edge ('+e2:50=' is exactly 500)
-- and the rest ('+e2:50' holds 500 < v < 510). Exponents past +-20 share one cell without digits;
-- zero is '0'. Computed from the exact decimal text, never a float logarithm, so a value and a
-- bound always land in consistent cells. lib/ingest/derivations/number-cells.ts computes the same in the app.
CREATE OR REPLACE FUNCTION public.attribute_number_cells(v numeric)
 RETURNS text[]
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE STRICT
AS $function$
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
$function$;

-- Cells that can hold a number above the bound (op '>') or below it ('<'): every cell after the
-- bound's in value order and the part of the bound's own cells past it. A superset: callers check
-- the exact condition on what the cells find.
CREATE OR REPLACE FUNCTION public.attribute_number_range_cells(op text, bound numeric)
 RETURNS text[]
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE STRICT
AS $function$
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
$function$;

-- The probe's cells for one condition, as 'key<US>cell'.
CREATE OR REPLACE FUNCTION public.attribute_key_range_cells(key text, op text, bound numeric)
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE STRICT
AS $function$
  SELECT ARRAY(SELECT key || chr(31) || c FROM unnest(public.attribute_number_range_cells(op, bound)) c)
$function$;

-- Every number of a trace's attribute summary as 'key<US>cell': what traces_fill_number_cells
-- (triggers.sql) stores in traces.attribute_number_cells for a writer that does not send them.
CREATE OR REPLACE FUNCTION public.trace_attribute_number_cells(attributes jsonb)
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  SELECT coalesce(array_agg(DISTINCT a.key || chr(31) || c), '{}')
  FROM jsonb_each(CASE WHEN jsonb_typeof(attributes) = 'object' THEN attributes ELSE '{}' END) a,
       jsonb_array_elements(CASE WHEN jsonb_typeof(a.value) = 'array' THEN a.value ELSE jsonb_build_array(a.value) END) v,
       unnest(public.attribute_number_cells(CASE WHEN jsonb_typeof(v) = 'number' THEN v::numeric END)) c
$function$;

-- ---------------------------------------------------------------------------------------------
-- Latency rollup
-- ---------------------------------------------------------------------------------------------

-- The latency histogram's bucket of a duration: bucket b holds [1.05^b, 1.05^(b+1)) ns, so a
-- percentile read at a bucket's geometric middle is within 2.5% (lib/latency/buckets.ts, 0007).
CREATE OR REPLACE FUNCTION public.rollup_bucket(duration_ns bigint)
 RETURNS smallint
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$ SELECT floor(ln(greatest(duration_ns, 1)::float8) / ln(1.05))::smallint $function$;

-- Merging two sparse histograms: the bucket union, ascending, and (below) the summed weights
-- aligned to it, in the same order, so the two functions always agree.
CREATE OR REPLACE FUNCTION public.rollup_merge_buckets(a smallint[], b smallint[])
 RETURNS smallint[]
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$ SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{}') FROM unnest(a || b) AS x $function$;

-- The weights of rollup_merge_buckets' union, bucket by bucket.
CREATE OR REPLACE FUNCTION public.rollup_merge_weights(ab smallint[], aw double precision[], bb smallint[], bw double precision[])
 RETURNS double precision[]
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  SELECT coalesce(array_agg(w ORDER BY x), '{}')
  FROM (SELECT x, sum(w) AS w FROM unnest(ab || bb, aw || bw) AS u(x, w) GROUP BY x) s
$function$;

-- ---------------------------------------------------------------------------------------------
-- Audit log
-- ---------------------------------------------------------------------------------------------

-- A row's hash: its content, its MAC and the previous row's hash (0003, 0013). concat_ws skips
-- NULLs, so a row without a MAC (written before 0013) hashes as it did then and the chain still
-- verifies. audit_log_chain (triggers.sql) sets it on every insert.
CREATE OR REPLACE FUNCTION public.audit_log_row_hash(a audit_log)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
AS $function$
  SELECT encode(sha256(convert_to(concat_ws('|',
    a.seq, coalesce(a.prev_hash, ''), (extract(epoch FROM a.at) * 1000000)::bigint,
    jsonb_build_object(
      'actor_id', a.actor_id, 'actor_email', a.actor_email, 'role', a.role, 'action', a.action,
      'resource', a.resource, 'tenants', a.tenants, 'outcome', a.outcome, 'ip', a.ip,
      'user_agent', a.user_agent, 'request_id', a.request_id, 'trace_id', a.trace_id,
      'details', a.details)::text,
    a.mac), 'UTF8')), 'hex')
$function$;

-- Logs matching a search (lib/logs/read.ts, lib/traces/search/search-logs.ts): run as the owner so
-- that the full-text index serves it (under row-level security the reader role's own query
-- skips it), applying the tenant rule itself (migration 0026).
CREATE OR REPLACE FUNCTION public.log_records_matching(p_tenants text[], p_from timestamp with time zone, p_to timestamp with time zone, p_min_severity integer, p_text text, p_traced boolean, p_before_time timestamp with time zone, p_before_tenant text, p_before_record bigint, p_limit integer)
 RETURNS TABLE(tenant_id text, "time" timestamp with time zone, record_id bigint, trace_id uuid)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER ROWS 100
 SET search_path TO 'public', 'pg_temp'
AS $function$
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
$function$;
