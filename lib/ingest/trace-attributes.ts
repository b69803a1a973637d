import type { TransactionSql } from "postgres";

/**
 * The per-trace attribute summary that trace search reads instead of scanning spans:
 * `traces.attributes` maps each span attribute key to the distinct values the trace's spans
 * carry, e.g. `{"job.id": ["job_7"], "http.response.status_code": [200, 503]}`, indexed by GIN.
 * Bounded so one noisy trace cannot grow its row without limit; a value past a cap is simply
 * not searchable, which the search page says.
 */
export const TRACE_ATTRIBUTE_LIMITS = {
  /** Keys per trace, the alphabetically first kept. */
  keys: 64,
  /** Distinct values per key. */
  valuesPerKey: 16,
  /** Longer values (statements, stack traces) are not summarised: nobody searches them by equality. */
  valueLength: 128,
} as const;

/**
 * Already columns of `traces` (tenant_id, request_id), or statements and stack traces that
 * nobody looks up by equality and that would otherwise be most of the summary's bytes.
 */
export const UNSUMMARISED_KEYS: readonly string[] = ["tenant.id", "request.id", "db.query.text", "db.statement", "exception.stacktrace"];

type Scalar = string | number | boolean;

function summarisable(key: string, value: unknown): value is Scalar {
  if (UNSUMMARISED_KEYS.includes(key)) return false;
  if (typeof value === "string") return value.length <= TRACE_ATTRIBUTE_LIMITS.valueLength;
  return typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
}

/** Builds one trace's summary in memory (the demo generator, which writes summaries itself). */
export class TraceAttributeSummary {
  private readonly values = new Map<string, Map<string, Scalar>>();

  add(attributes: Readonly<Record<string, unknown>>): void {
    for (const key in attributes) {
      const value = attributes[key];
      if (!summarisable(key, value)) continue;
      let seen = this.values.get(key);
      if (!seen) this.values.set(key, (seen = new Map()));
      if (seen.size < TRACE_ATTRIBUTE_LIMITS.valuesPerKey) seen.set(`${typeof value}:${value}`, value);
    }
  }

  toJSON(): Record<string, Scalar[]> {
    const keys = [...this.values.keys()].sort().slice(0, TRACE_ATTRIBUTE_LIMITS.keys);
    return Object.fromEntries(keys.map((k) => [k, [...this.values.get(k)!.values()]]));
  }
}

/**
 * Folds the attributes of the spans staged in `pg_temp.ingest_spans` into their traces'
 * summaries, after MOVE_STAGED_SPANS created or extended the traces rows. Merging distinct
 * values is idempotent, so spans of a retried export (staged again, not inserted) change nothing.
 */
export async function foldTraceAttributes(tx: TransactionSql): Promise<void> {
  const { keys, valuesPerKey, valueLength } = TRACE_ATTRIBUTE_LIMITS;
  await tx`
    WITH staged AS (
      SELECT DISTINCT s.tenant_id, s.trace_id, a.key, a.value
      FROM pg_temp.ingest_spans s, jsonb_each(s.attributes) a
      WHERE a.key <> ALL(${UNSUMMARISED_KEYS as string[]}::text[])
        AND (jsonb_typeof(a.value) IN ('number', 'boolean')
             OR (jsonb_typeof(a.value) = 'string' AND length(a.value #>> '{}') <= ${valueLength}))
    ), pairs AS (
      SELECT t.tenant_id, t.trace_id, e.key, v.value, 0 AS fresh
      FROM traces t
      JOIN (SELECT DISTINCT tenant_id, trace_id FROM staged) touched USING (tenant_id, trace_id),
           jsonb_each(t.attributes) e, jsonb_array_elements(e.value) v
      UNION ALL
      SELECT tenant_id, trace_id, key, value, 1 FROM staged
    ), ranked AS (
      SELECT tenant_id, trace_id, key, value,
             row_number() OVER (PARTITION BY tenant_id, trace_id, key ORDER BY fresh, value) AS nth_value,
             dense_rank() OVER (PARTITION BY tenant_id, trace_id ORDER BY key) AS nth_key
      FROM (SELECT DISTINCT ON (tenant_id, trace_id, key, value) * FROM pairs ORDER BY tenant_id, trace_id, key, value, fresh) d
    ), per_trace AS (
      SELECT tenant_id, trace_id, jsonb_object_agg(key, vals) AS attributes
      FROM (SELECT tenant_id, trace_id, key, jsonb_agg(value ORDER BY nth_value) AS vals
            FROM ranked WHERE nth_value <= ${valuesPerKey} AND nth_key <= ${keys}
            GROUP BY tenant_id, trace_id, key) k
      GROUP BY tenant_id, trace_id
    )
    UPDATE traces t SET attributes = p.attributes
    FROM per_trace p
    WHERE t.tenant_id = p.tenant_id AND t.trace_id = p.trace_id AND t.attributes IS DISTINCT FROM p.attributes`;
}
