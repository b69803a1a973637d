import "server-only";
import type { TransactionSql } from "postgres";
import type { SpanDerivation } from "../traces/derivation";
import { epochNs, fromNs } from "../traces/sql-time";
import { TRACE_ATTRIBUTE_LIMITS } from "./trace-attributes";
import { summarizeTraces, summaryColumns } from "./trace-summaries";

/**
 * Inserts the new traces' summaries and folds the others into the stored rows (summaries from
 * trace-summaries.ts, only of spans inserted now, so a span is never counted twice). A late
 * span extends its trace's time range and counts, adds its service, sets flags, and supplies
 * the root when it is the root. New traces of the tenants in $16 (those keeping only a share of
 * standard traces) are queued for tail sampling, which queues those it keeps for the sealer;
 * other new traces are queued for the sealer at once, and so is a sealed trace that gets late
 * rows (the sealer writes them as a further segment). $17: each trace's number cells for search
 * (number-cells.ts), as JSON arrays; $18: whether it has segments (NewSpans.hasSegments), as text.
 */
const MERGE_TRACE_SUMMARIES = `
  WITH u AS (
    SELECT * FROM unnest($1::text[], $2::uuid[], $3::bigint[], $4::bigint[], $5::integer[], $6::integer[], $7::text[],
                         $8::text[], $9::bigint[], $10::text[], $11::text[], $12::bigint[], $13::float8[], $14::text[], $15::text[],
                         $17::text[], $18::text[])
      AS u(tenant_id, trace_id, start_ns, end_ns, span_count, error_count, services, is_security,
           root_span_id, root_service, root_name, root_duration_ns, root_weight, request_id, attributes, number_cells, sealed)
  ), summaries AS (
    INSERT INTO traces AS t (tenant_id, trace_id, start_time, end_time, duration_ns, root_span_id, root_service, root_name,
                             root_duration_ns, request_id, span_count, error_count, services, has_error, is_slow, is_security, sample_weight,
                             attributes, attribute_number_cells, updated_at)
    SELECT u.tenant_id, u.trace_id, ${fromNs("u.start_ns")}, ${fromNs("u.end_ns")}, u.end_ns - u.start_ns,
           u.root_span_id, u.root_service, u.root_name, u.root_duration_ns, u.request_id, u.span_count, u.error_count,
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
      root_duration_ns = CASE WHEN t.root_span_id IS NULL THEN EXCLUDED.root_duration_ns ELSE t.root_duration_ns END,
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
  ), sampling AS (
    INSERT INTO trace_sampling_pending (tenant_id, trace_id)
    SELECT tenant_id, trace_id FROM summaries WHERE created AND tenant_id = ANY($16::text[])
    ON CONFLICT DO NOTHING
  )
  INSERT INTO trace_seal_pending (tenant_id, trace_id)
  SELECT tenant_id, trace_id FROM summaries WHERE created AND tenant_id <> ALL($16::text[])
  UNION ALL SELECT tenant_id, trace_id FROM u WHERE sealed::boolean
  ON CONFLICT DO NOTHING`;

/**
 * Each trace's `traces` row, its attribute summary and number cells included: new traces are
 * inserted, stored ones extended by what their new spans add. Traces of tenants keeping only a
 * share of their standard traces are queued for tail sampling when first stored, others for the sealer.
 */
export const traceSummaryDerivation = (): SpanDerivation => ({
  start: () => ({
    write(tx: TransactionSql, { fresh, tenants, hasSegments }) {
      const sampled = [...tenants.values()].filter((t) => t.keepRatio < 1).map((t) => t.id);
      const c = summaryColumns(summarizeTraces(fresh).values());
      // As text (cast in SQL), as summaryColumns' booleans.
      const sealed = c.tenantIds.map((tenantId, i) => String(hasSegments(tenantId, c.traceIds[i]!)));
      return tx.unsafe(MERGE_TRACE_SUMMARIES, [
        c.tenantIds, c.traceIds, c.startNs, c.endNs, c.spans, c.errors, c.services, c.security, c.rootSpanIds, c.rootServices,
        c.rootNames, c.rootDurationNs, c.rootWeights, c.requestIds, c.attributes, sampled, c.numberCells, sealed,
      ], { prepare: true });
    },
  }),
});
