import type { SpanRef } from "../traces/sealed-spans";

/** A span's full key, as the derivations match stored and new spans in memory. */
export const spanKey = (tenantId: string, traceId: string, spanId: string) => `${tenantId}/${traceId}/${spanId}`;

/**
 * Full span keys (tenant, trace, span id) for one lookup of stored spans, as the three arrays
 * an `unnest($1::text[], $2::uuid[], $3::bigint[])` joins on. Looked up key by key, each is an
 * index probe however big the stored trace; a lookup by trace with a list of ids reads the
 * whole trace when the planner takes the primary key's (tenant, trace) prefix for it.
 */
export class SpanKeys {
  private readonly tenants: string[] = [];
  private readonly traces: string[] = [];
  private readonly spans: string[] = [];

  add(tenantId: string, traceId: string, spanId: string): void {
    this.tenants.push(tenantId);
    this.traces.push(traceId);
    this.spans.push(spanId);
  }

  get size(): number {
    return this.spans.length;
  }

  columns(): [string[], string[], string[]] {
    return [this.tenants, this.traces, this.spans];
  }

  /** The keys one by one, as the lookups of sealed spans take them (lib/ingest/traces/sealed-spans.ts). */
  refs(): SpanRef[] {
    return this.spans.map((spanId, i) => ({ tenantId: this.tenants[i]!, traceId: this.traces[i]!, spanId }));
  }
}

/**
 * Stored spans `p` by the full keys $1 (tenant), $2 (trace), $3 (span id), with `columns` of `p`
 * and an optional further condition on it: one probe of the primary key per key.
 */
export function storedSpansSql(columns: string, where = "true"): string {
  return `
  SELECT ${columns}
  FROM unnest($1::text[], $2::uuid[], $3::bigint[]) AS k(tenant_id, trace_id, span_id)
  JOIN spans p ON p.tenant_id = k.tenant_id AND p.trace_id = k.trace_id AND p.span_id = k.span_id
  WHERE ${where}`;
}

/**
 * Stored children `c` of the spans whose full keys are $1 (tenant), $2 (trace), $3 (span id),
 * with `columns` of `c` and an optional further condition on it: one probe per key of
 * migration 0024's index, led by the parent, however big the stored trace. The lateral
 * subquery (kept whole by OFFSET 0) can only be run key by key: joined plainly, the planner
 * reads a partition (or its index) once for all keys, on a young partition and on one of many
 * small traces alike, and the read grows with the stored trace (ingest.large-trace.test.ts).
 */
export function storedChildrenSql(columns: string, where = "true"): string {
  return `
  SELECT ${columns}
  FROM unnest($1::text[], $2::uuid[], $3::bigint[]) AS k(tenant_id, trace_id, parent_span_id)
  CROSS JOIN LATERAL (
    SELECT * FROM spans c
    WHERE c.parent_span_id = k.parent_span_id AND c.tenant_id = k.tenant_id AND c.trace_id = k.trace_id AND ${where}
    OFFSET 0) c`;
}
