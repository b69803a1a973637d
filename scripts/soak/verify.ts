import { connect } from "../../db/connect";
import type { SentSpans } from "./exporters";
import { EXPIRED_TENANT, SOAK_TENANTS } from "./seed";

export interface Storage {
  sent: number;
  stored: number;
  missing: number;
  duplicates: number;
  unexpected: number;
  /** Traces whose summary's span_count disagrees with their stored spans (a half-applied write). */
  summaryMismatches: number;
  spansWithoutTrace: number;
  spansWithoutResource: number;
  expiredLeft: { spans: number; traces: number };
  retentionRuns: Record<string, number>;
  /** On-disk bytes (tables and indexes) of spans, traces, resources and span_rollup per stored span. */
  bytesPerSpan: number;
  examples: string[];
}

/** What the database holds of the soak tenants, against what the clients sent. */
export async function verifyStorage(databaseUrl: string, sent: SentSpans, since: Date): Promise<Storage> {
  const sql = connect(databaseUrl, { max: 1, applicationName: "trace-explorer-soak-verify" });
  try {
    const tenants = [...SOAK_TENANTS];
    const rows = await sql<{ k: string; n: number }[]>`
      SELECT tenant_id || '/' || replace(trace_id::text, '-', '') || lpad(to_hex(span_id), 16, '0') AS k, count(*)::int AS n
      FROM spans WHERE tenant_id = ANY(${tenants}) GROUP BY tenant_id, trace_id, span_id`;
    let stored = 0;
    let duplicates = 0;
    let unexpected = 0;
    const seen = new Set<string>();
    const examples: string[] = [];
    for (const { k, n } of rows) {
      stored += n;
      seen.add(k);
      if (n > 1) {
        duplicates += n - 1;
        if (examples.length < 5) examples.push(`duplicate ${k} ×${n}`);
      }
      if (!sent.keys.has(k)) {
        unexpected++;
        if (examples.length < 5) examples.push(`unexpected ${k}`);
      }
    }
    let missing = 0;
    for (const k of sent.keys) {
      if (seen.has(k)) continue;
      missing++;
      if (examples.length < 10) examples.push(`missing ${k}`);
    }
    const [c] = await sql<{ mismatches: number; orphans: number; unresourced: number; expired_spans: number; expired_traces: number }[]>`
      SELECT
        (SELECT count(*)::int FROM traces t WHERE t.tenant_id = ANY(${tenants})
           AND t.span_count <> (SELECT count(*) FROM spans s WHERE s.tenant_id = t.tenant_id AND s.trace_id = t.trace_id)) AS mismatches,
        (SELECT count(*)::int FROM spans s WHERE s.tenant_id = ANY(${tenants})
           AND NOT EXISTS (SELECT 1 FROM traces t WHERE t.tenant_id = s.tenant_id AND t.trace_id = s.trace_id)) AS orphans,
        (SELECT count(*)::int FROM spans s WHERE s.tenant_id = ANY(${tenants})
           AND NOT EXISTS (SELECT 1 FROM resources r WHERE r.tenant_id = s.tenant_id AND r.id = s.resource_id)) AS unresourced,
        (SELECT count(*)::int FROM spans WHERE tenant_id = ${EXPIRED_TENANT}) AS expired_spans,
        (SELECT count(*)::int FROM traces WHERE tenant_id = ${EXPIRED_TENANT}) AS expired_traces`;
    const runs = await sql<{ outcome: string; n: number }[]>`
      SELECT outcome, count(*)::int AS n FROM retention_runs WHERE started_at >= ${since} GROUP BY outcome`;
    const [size] = await sql<{ bytes: string; spans: string }[]>`
      SELECT (SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits WHERE inhparent = 'spans'::regclass)
             + pg_total_relation_size('traces') + pg_total_relation_size('resources') + pg_total_relation_size('span_rollup') AS bytes,
             (SELECT count(*) FROM spans) AS spans`;
    return {
      sent: sent.keys.size,
      stored,
      missing,
      duplicates,
      unexpected,
      summaryMismatches: c!.mismatches,
      spansWithoutTrace: c!.orphans,
      spansWithoutResource: c!.unresourced,
      expiredLeft: { spans: c!.expired_spans, traces: c!.expired_traces },
      retentionRuns: Object.fromEntries(runs.map((r) => [r.outcome, r.n])),
      bytesPerSpan: Math.round(Number(size!.bytes) / Math.max(1, Number(size!.spans))),
      examples,
    };
  } finally {
    await sql.end();
  }
}
