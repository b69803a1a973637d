import { SPAN_COLUMNS } from "./span-copy";

/**
 * The statements of one ingest transaction. Spans are COPYed into a temporary table first:
 * COPY cannot skip rows that already exist (a retried export), and Postgres refuses COPY into
 * a table with row-level security, as `spans` has for the ingest role.
 */

export const CREATE_STAGING = `
  CREATE TEMP TABLE IF NOT EXISTS ingest_spans (
    tenant_id text, trace_id uuid, span_id bigint, parent_span_id bigint, request_id text, service text,
    name text, kind smallint, start_time timestamptz, duration_ns bigint, status_code smallint,
    status_message text, attributes jsonb, events jsonb, links jsonb, resource_id bigint,
    dropped_attributes_count integer, dropped_events_count integer, dropped_links_count integer
  ) ON COMMIT DELETE ROWS`;

export const COPY_STAGING = `COPY pg_temp.ingest_spans (${SPAN_COLUMNS}) FROM STDIN`;

// Microsecond start times as exact nanoseconds, so trace durations keep nanoseconds.
const epochNs = (t: string) => `((extract(epoch FROM ${t}) * 1000000)::bigint * 1000)`;

/**
 * Moves the staged spans into `spans`, skipping those already stored (a retried export), and
 * folds only the spans really inserted into their traces' summaries: one statement, so a
 * summary can never count a span twice or miss one. A late span extends its trace's time
 * range and counts, adds its service, sets flags, and supplies the root when it is the root.
 * New traces of the tenants in $1 (those keeping only a share of standard traces) are queued
 * for tail sampling. Returns the stored spans per tenant.
 */
export const MOVE_STAGED_SPANS = `
  WITH inserted AS (
    INSERT INTO spans (${SPAN_COLUMNS})
    SELECT ${SPAN_COLUMNS} FROM pg_temp.ingest_spans
    ON CONFLICT DO NOTHING
    RETURNING tenant_id, trace_id, span_id, parent_span_id, request_id, service, name, start_time, duration_ns, status_code,
              ${epochNs("start_time")} AS start_ns,
              attributes @> '{"security.operation": true}' AS is_security,
              attributes -> 'sampling.ratio' AS sampling_ratio
  ), per_trace AS (
    SELECT tenant_id, trace_id,
           min(start_time) AS start_time,
           min(start_ns) AS start_ns,
           max(start_ns + duration_ns) AS end_ns,
           count(*)::integer AS span_count,
           (count(*) FILTER (WHERE status_code = 2))::integer AS error_count,
           array_agg(DISTINCT service ORDER BY service) AS services,
           bool_or(is_security) AS is_security,
           (array_agg(span_id ORDER BY start_ns, span_id) FILTER (WHERE parent_span_id IS NULL))[1] AS root_span_id,
           (array_agg(service ORDER BY start_ns, span_id) FILTER (WHERE parent_span_id IS NULL))[1] AS root_service,
           (array_agg(name ORDER BY start_ns, span_id) FILTER (WHERE parent_span_id IS NULL))[1] AS root_name,
           (array_agg(duration_ns ORDER BY start_ns, span_id) FILTER (WHERE parent_span_id IS NULL))[1] AS root_duration_ns,
           (array_agg(sampling_ratio ORDER BY start_ns, span_id) FILTER (WHERE parent_span_id IS NULL))[1] AS root_sampling_ratio,
           (array_agg(request_id ORDER BY parent_span_id IS NOT NULL, start_ns) FILTER (WHERE request_id IS NOT NULL))[1] AS request_id
    FROM inserted
    GROUP BY tenant_id, trace_id
  ), summaries AS (
    INSERT INTO traces AS t (tenant_id, trace_id, start_time, end_time, duration_ns, root_span_id, root_service, root_name,
                             request_id, span_count, error_count, services, has_error, is_slow, is_security, sample_weight, updated_at)
    SELECT p.tenant_id, p.trace_id,
           p.start_time,
           p.start_time + ((p.end_ns - p.start_ns) / 1000) * interval '1 microsecond',
           p.end_ns - p.start_ns,
           p.root_span_id, p.root_service, p.root_name, p.request_id, p.span_count, p.error_count, p.services,
           p.error_count > 0,
           COALESCE(p.root_duration_ns > tn.slow_threshold_ms::bigint * 1000000, false),
           p.is_security,
           -- A root kept by head sampling at ratio r (lib/tracing writes sampling.ratio) stands for 1/r traces.
           CASE WHEN jsonb_typeof(p.root_sampling_ratio) = 'number'
                 AND (p.root_sampling_ratio)::float8 > 0 AND (p.root_sampling_ratio)::float8 <= 1
                THEN 1 / (p.root_sampling_ratio)::float8 ELSE 1 END,
           now()
    FROM per_trace p JOIN tenants tn ON tn.id = p.tenant_id
    ORDER BY p.tenant_id, p.trace_id
    ON CONFLICT (tenant_id, trace_id) DO UPDATE SET
      start_time = LEAST(t.start_time, EXCLUDED.start_time),
      end_time = GREATEST(t.end_time, EXCLUDED.end_time),
      duration_ns = GREATEST(${epochNs("t.start_time")} + t.duration_ns, ${epochNs("EXCLUDED.start_time")} + EXCLUDED.duration_ns)
                    - LEAST(${epochNs("t.start_time")}, ${epochNs("EXCLUDED.start_time")}),
      root_span_id = COALESCE(t.root_span_id, EXCLUDED.root_span_id),
      root_service = CASE WHEN t.root_span_id IS NULL THEN EXCLUDED.root_service ELSE t.root_service END,
      root_name = CASE WHEN t.root_span_id IS NULL THEN EXCLUDED.root_name ELSE t.root_name END,
      request_id = CASE WHEN t.root_span_id IS NULL AND EXCLUDED.root_span_id IS NOT NULL
                        THEN COALESCE(EXCLUDED.request_id, t.request_id) ELSE COALESCE(t.request_id, EXCLUDED.request_id) END,
      sample_weight = CASE WHEN t.root_span_id IS NULL AND EXCLUDED.root_span_id IS NOT NULL
                           THEN t.sample_weight * EXCLUDED.sample_weight ELSE t.sample_weight END,
      span_count = t.span_count + EXCLUDED.span_count,
      error_count = t.error_count + EXCLUDED.error_count,
      services = ARRAY(SELECT DISTINCT s FROM unnest(t.services || EXCLUDED.services) AS s ORDER BY s),
      has_error = t.has_error OR EXCLUDED.has_error,
      is_slow = t.is_slow OR EXCLUDED.is_slow,
      is_security = t.is_security OR EXCLUDED.is_security,
      updated_at = now()
    RETURNING t.tenant_id, t.trace_id, t.xmax = 0 AS created
  ), queued AS (
    INSERT INTO trace_sampling_pending (tenant_id, trace_id)
    SELECT tenant_id, trace_id FROM summaries WHERE created AND tenant_id = ANY($1::text[])
    ON CONFLICT DO NOTHING
  )
  SELECT tenant_id, count(*)::integer AS stored FROM inserted GROUP BY tenant_id`;
