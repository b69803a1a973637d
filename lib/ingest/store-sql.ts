import { SpanKind } from "@/db/span-codec/kind-and-status";
import { SPAN_COLUMNS } from "./span-copy";
import { epochNs, fromNs } from "./sql-time";
import { TRACE_ATTRIBUTE_LIMITS } from "./trace-attributes";

/**
 * The statements of one ingest transaction (lib/ingest/store.ts). Spans are COPYed straight
 * into their day's partition (ingest_span_partitions names them): Postgres refuses COPY into
 * `spans` itself, which has row-level security. COPY cannot skip a row that already exists,
 * so a request first asks which of its spans are stored (a retried export), under advisory
 * locks on its trace ids, and sends only the others.
 */

const PARTITION_NAME = /^spans_p\d{8}$/;

export function copyIntoPartition(partition: string): string {
  if (!PARTITION_NAME.test(partition)) throw new Error(`not a span partition: ${partition}`);
  return `COPY ${partition} (${SPAN_COLUMNS}) FROM STDIN`;
}

/** The stored traces with the request's trace ids, of every tenant, with what the summary merge needs. */
export const STORED_TRACES = `
  SELECT trace_id::text, tenant_id, sample_weight, root_span_id IS NOT NULL AS has_root
  FROM traces WHERE trace_id = ANY($1::uuid[]) ORDER BY trace_id, tenant_id`;

/** Which of the request's spans ($1 tenant, $2 trace, $3 span, $4 start ns) are stored. */
export const STORED_SPANS = `
  SELECT k.tenant_id, k.trace_id::text, k.span_id::text, k.start_ns::text
  FROM unnest($1::text[], $2::uuid[], $3::bigint[], $4::bigint[]) AS k(tenant_id, trace_id, span_id, start_ns)
  JOIN spans s ON s.tenant_id = k.tenant_id AND s.trace_id = k.trace_id AND s.span_id = k.span_id
              AND s.start_time = ${fromNs("k.start_ns")}`;

/** Stored producers among the parents ($3) of the request's first attempts, in the stored traces ($1 tenant, $2 trace). */
export const STORED_PRODUCERS = `
  SELECT p.tenant_id, p.trace_id::text, p.span_id::text, ${epochNs("p.start_time")}::text AS start_ns, p.duration_ns::text
  FROM unnest($1::text[], $2::uuid[]) AS t(tenant_id, trace_id)
  JOIN spans p ON p.tenant_id = t.tenant_id AND p.trace_id = t.trace_id
  WHERE p.span_id = ANY($3::bigint[]) AND p.kind = ${SpanKind.Producer}`;

/** Stored job runs whose parent is one of the request's producers ($3), in the stored traces ($1 tenant, $2 trace). */
export const STORED_CONSUMERS = `
  SELECT c.tenant_id, c.trace_id::text, c.span_id::text, c.parent_span_id::text, c.service, c.name, c.kind,
         ${epochNs("c.start_time")}::text AS start_ns, c.duration_ns::text, c.status_code, c.attributes
  FROM unnest($1::text[], $2::uuid[]) AS t(tenant_id, trace_id)
  JOIN spans c ON c.tenant_id = t.tenant_id AND c.trace_id = t.trace_id
  WHERE c.parent_span_id = ANY($3::bigint[]) AND c.kind = ${SpanKind.Consumer} AND c.attributes ? 'job.name'`;

/**
 * Inserts the new traces' summaries and folds the others into the stored rows (summaries from
 * trace-summaries.ts, only of spans inserted now, so a span is never counted twice). A late
 * span extends its trace's time range and counts, adds its service, sets flags, and supplies
 * the root when it is the root. New traces of the tenants in $16 (those keeping only a share of
 * standard traces) are queued for tail sampling. $17: each trace's number cells for search
 * (number-cells.ts), as JSON arrays.
 */
export const MERGE_TRACE_SUMMARIES = `
  WITH u AS (
    SELECT * FROM unnest($1::text[], $2::uuid[], $3::bigint[], $4::bigint[], $5::integer[], $6::integer[], $7::text[],
                         $8::text[], $9::bigint[], $10::text[], $11::text[], $12::bigint[], $13::float8[], $14::text[], $15::text[],
                         $17::text[])
      AS u(tenant_id, trace_id, start_ns, end_ns, span_count, error_count, services, is_security,
           root_span_id, root_service, root_name, root_duration_ns, root_weight, request_id, attributes, number_cells)
  ), summaries AS (
    INSERT INTO traces AS t (tenant_id, trace_id, start_time, end_time, duration_ns, root_span_id, root_service, root_name,
                             request_id, span_count, error_count, services, has_error, is_slow, is_security, sample_weight,
                             attributes, attribute_number_cells, updated_at)
    SELECT u.tenant_id, u.trace_id, ${fromNs("u.start_ns")}, ${fromNs("u.end_ns")}, u.end_ns - u.start_ns,
           u.root_span_id, u.root_service, u.root_name, u.request_id, u.span_count, u.error_count,
           ARRAY(SELECT s FROM jsonb_array_elements_text(u.services::jsonb) AS s ORDER BY s),
           u.error_count > 0,
           COALESCE(u.root_duration_ns > tn.slow_threshold_ms::bigint * 1000000, false),
           u.is_security::boolean, u.root_weight, u.attributes::jsonb,
           ARRAY(SELECT jsonb_array_elements_text(u.number_cells::jsonb)), now()
    FROM u JOIN tenants tn ON tn.id = u.tenant_id
    ORDER BY u.tenant_id, u.trace_id
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
      -- A root kept by head sampling at ratio r stands for 1/r traces.
      sample_weight = CASE WHEN t.root_span_id IS NULL AND EXCLUDED.root_span_id IS NOT NULL
                           THEN t.sample_weight * EXCLUDED.sample_weight ELSE t.sample_weight END,
      span_count = t.span_count + EXCLUDED.span_count,
      error_count = t.error_count + EXCLUDED.error_count,
      services = ARRAY(SELECT DISTINCT s FROM unnest(t.services || EXCLUDED.services) AS s ORDER BY s),
      has_error = t.has_error OR EXCLUDED.has_error,
      is_slow = t.is_slow OR EXCLUDED.is_slow,
      is_security = t.is_security OR EXCLUDED.is_security,
      attributes = trace_attributes_merge(t.attributes, EXCLUDED.attributes, ${TRACE_ATTRIBUTE_LIMITS.keys}, ${TRACE_ATTRIBUTE_LIMITS.valuesPerKey}),
      -- A superset of the merged summary's cells (values past its caps keep theirs): the search
      -- probe checks the values themselves.
      attribute_number_cells = CASE WHEN t.attribute_number_cells @> EXCLUDED.attribute_number_cells THEN t.attribute_number_cells
                                    ELSE ARRAY(SELECT DISTINCT c FROM unnest(t.attribute_number_cells || EXCLUDED.attribute_number_cells) AS c) END,
      updated_at = now()
    RETURNING t.tenant_id, t.trace_id, t.xmax = 0 AS created
  )
  INSERT INTO trace_sampling_pending (tenant_id, trace_id)
  SELECT tenant_id, trace_id FROM summaries WHERE created AND tenant_id = ANY($16::text[])
  ON CONFLICT DO NOTHING`;

/** The transaction's rollup rows, for the folder to merge (lib/ingest/rollup-delta.ts). */
export const INSERT_ROLLUP_DELTA = `
  INSERT INTO span_rollup_delta (tenant_id, minute, service, operation, kind, job_name, span_count, error_count, retry_count,
                                 duration_sum_ns, weighted_count, weighted_errors, weighted_retries, weighted_duration_ns,
                                 buckets, weights, wait_count, wait_sum_ns, wait_weighted, wait_buckets, wait_weights)
  SELECT tenant_id, minute, service, operation, kind, job_name, span_count, error_count, retry_count,
         duration_sum_ns, weighted_count, weighted_errors, weighted_retries, weighted_duration_ns,
         buckets::smallint[], weights::float8[], wait_count, wait_sum_ns, wait_weighted, wait_buckets::smallint[], wait_weights::float8[]
  FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::smallint[], $6::text[], $7::bigint[], $8::bigint[],
              $9::bigint[], $10::bigint[], $11::float8[], $12::float8[], $13::float8[], $14::float8[], $15::text[], $16::text[],
              $17::bigint[], $18::bigint[], $19::float8[], $20::text[], $21::text[])
    AS u(tenant_id, minute, service, operation, kind, job_name, span_count, error_count, retry_count,
         duration_sum_ns, weighted_count, weighted_errors, weighted_retries, weighted_duration_ns,
         buckets, weights, wait_count, wait_sum_ns, wait_weighted, wait_buckets, wait_weights)`;
