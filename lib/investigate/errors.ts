import "server-only";
import type { TransactionSql } from "postgres";
import { withinRetention } from "@/lib/traces/retention-filter";
import { rowOf } from "./sealed-source";
import { tenantCondition, type TenantFilter, type Window } from "./tenant-filter";
import { hexIds } from "./trace-link";

/** One kind of error one tenant saw: same service, exception type and message. */
export interface ErrorGroup {
  tenantId: string;
  service: string;
  /** `exception.type` of the span's exception event; null when the span only has an error status. */
  type: string | null;
  /** `exception.message`, else the span's status message (both redacted at ingest). */
  message: string | null;
  /** Error spans of this kind. */
  spans: number;
  /** Traces with at least one such span. */
  traces: number;
  firstSeen: Date;
  lastSeen: Date;
  /** The latest occurrence, to open in the waterfall. */
  example: { traceId: string; spanId: string };
}

export interface TenantErrors {
  tenantId: string;
  /** Traces of the tenant with an error span in the window (matching the text filter). */
  traces: number;
  spans: number;
  /** The most frequent kinds first, at most GROUPS_PER_TENANT. */
  groups: ErrorGroup[];
}

export const GROUPS_PER_TENANT = 25;

interface Row {
  tenant_id: string;
  service: string | null;
  type: string | null;
  message: string | null;
  is_total: boolean;
  spans: number;
  traces: number;
  first_seen: Date;
  last_seen: Date;
  example_trace: string;
  example_span: bigint;
}

/**
 * The error spans of the window's traces `w`: their rows, or (sealed) their refs, which keep
 * the columns and the first exception event read here; a row repeating a sealed span replaces it.
 */
function errorSpans(tx: TransactionSql, table: "spans" | "sealed_span_refs") {
  return tx`
      SELECT s.tenant_id, s.trace_id, s.span_id, s.service, s.start_time, ex.type,
             COALESCE(ex.message, s.status_message) AS message
      FROM w t
      JOIN tenants n ON n.id = t.tenant_id
      JOIN ${tx(table)} s ON s.tenant_id = t.tenant_id AND s.trace_id = t.trace_id
                  AND s.start_time >= t.start_time AND s.start_time <= t.end_time
      LEFT JOIN LATERAL (
        SELECT ev->'attributes'->>'exception.type' AS type, ev->'attributes'->>'exception.message' AS message
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(s.events) = 'array' THEN s.events ELSE '[]'::jsonb END) ev
        WHERE ev->>'name' = 'exception'
        LIMIT 1
      ) ex ON true
      WHERE s.status_code = 2 AND ${withinRetention(tx)}
        ${table === "spans" ? tx`` : tx`AND NOT EXISTS (${rowOf(tx, "s")})`}`;
}

/**
 * Which tenants saw which errors in the window. Starts from the traces summary (traces that
 * started in the window with has_error, within retention), then reads only their error spans
 * (partial index spans_errors_idx; sealed ones from sealed_span_refs). `q` keeps the errors whose type or message contains it.
 */
export async function errorsByTenant(tx: TransactionSql, tenants: TenantFilter, window: Window, q = ""): Promise<TenantErrors[]> {
  const rows = await tx<Row[]>`
    WITH w AS MATERIALIZED (
      SELECT t.tenant_id, t.trace_id, t.start_time, t.end_time, t.has_error, t.is_slow, t.is_security
      FROM traces t
      WHERE t.has_error AND t.start_time >= ${window.from} AND t.start_time < ${window.to}
        AND ${tenantCondition(tx, "t.tenant_id", tenants)}
    ), e AS (
      ${errorSpans(tx, "spans")}
      UNION ALL
      ${errorSpans(tx, "sealed_span_refs")}
    ), matching AS (
      SELECT * FROM e
      WHERE ${q ? tx`strpos(lower(coalesce(type, '') || ' ' || coalesce(message, '')), lower(${q})) > 0` : tx`true`}
    ), grouped AS (
      SELECT tenant_id, service, type, message, GROUPING(service, type, message) <> 0 AS is_total,
             count(*)::int AS spans, count(DISTINCT trace_id)::int AS traces,
             min(start_time) AS first_seen, max(start_time) AS last_seen,
             (array_agg(trace_id ORDER BY start_time DESC, span_id))[1]::text AS example_trace,
             (array_agg(span_id ORDER BY start_time DESC, span_id))[1] AS example_span
      FROM matching
      GROUP BY GROUPING SETS ((tenant_id, service, type, message), (tenant_id))
    )
    SELECT * FROM (
      SELECT g.*, row_number() OVER (PARTITION BY tenant_id, is_total ORDER BY spans DESC, last_seen DESC, service, type, message) AS rank
      FROM grouped g
    ) ranked
    WHERE is_total OR rank <= ${GROUPS_PER_TENANT}
    ORDER BY tenant_id, is_total DESC, rank`;

  const byTenant = new Map<string, TenantErrors>();
  for (const row of rows) {
    if (row.is_total) {
      byTenant.set(row.tenant_id, { tenantId: row.tenant_id, traces: row.traces, spans: row.spans, groups: [] });
      continue;
    }
    const { traceId, spanId } = hexIds(row.example_trace, row.example_span);
    byTenant.get(row.tenant_id)!.groups.push({
      tenantId: row.tenant_id,
      service: row.service ?? "",
      type: row.type,
      message: row.message,
      spans: row.spans,
      traces: row.traces,
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      example: { traceId, spanId: spanId! },
    });
  }
  return [...byTenant.values()].sort((a, b) => b.traces - a.traces || a.tenantId.localeCompare(b.tenantId));
}
