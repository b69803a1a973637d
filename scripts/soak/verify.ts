import { connect, type Sql } from "../../db/connect";
import { decodeSegment } from "../../lib/traces/segments/decode";
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
  /** On-disk bytes (tables and indexes) of spans (rows and sealed segments), traces, resources and span_rollup per stored span. */
  bytesPerSpan: number;
  examples: string[];
}

/** `tenant/trace hex/span id hex`, as the rows query below spells a span. */
const keyOf = (tenantId: string, traceUuid: string, spanId: bigint) =>
  `${tenantId}/${traceUuid.replaceAll("-", "")}${BigInt.asUintN(64, spanId).toString(16).padStart(16, "0")}`;

/**
 * The keys of the soak tenants' sealed spans, counted as rows are: the app's scheduler seals a
 * trace once it has been quiet for the decision window, so a long soak finds some of its spans
 * in segments (docs/sealed-traces.md) and would count them missing.
 */
async function sealedSpanKeys(sql: Sql, tenants: string[]): Promise<Map<string, number>> {
  const keys = new Map<string, number>();
  const segments = await sql<{ segment: Uint8Array }[]>`SELECT segment FROM span_segments WHERE tenant_id = ANY(${tenants})`;
  for (const { segment } of segments) {
    const trace = decodeSegment(segment);
    for (const span of trace.spans) {
      const k = keyOf(trace.tenantId, trace.traceId, span.spanId);
      keys.set(k, (keys.get(k) ?? 0) + 1);
    }
  }
  return keys;
}

/** What the database holds of the soak tenants, against what the clients sent. */
export async function verifyStorage(databaseUrl: string, sent: SentSpans, since: Date): Promise<Storage> {
  const sql = connect(databaseUrl, { max: 1, applicationName: "trace-explorer-soak-verify" });
  try {
    const tenants = [...SOAK_TENANTS];
    const rows = await sql<{ k: string; n: number }[]>`
      SELECT tenant_id || '/' || replace(trace_id::text, '-', '') || lpad(to_hex(span_id), 16, '0') AS k, count(*)::int AS n
      FROM spans WHERE tenant_id = ANY(${tenants}) GROUP BY tenant_id, trace_id, span_id`;
    const sealed = await sealedSpanKeys(sql, tenants);
    const rowKeys = new Set(rows.map((r) => r.k));
    // A span sent again after its trace was sealed is a row beside its segment copy, and readers
    // take the row: one span, not a duplicate (the next seal drops the copy).
    for (const [k, n] of sealed) if (!rowKeys.has(k)) rows.push({ k, n });
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
           AND t.span_count <> (SELECT count(*) FROM spans s WHERE s.tenant_id = t.tenant_id AND s.trace_id = t.trace_id)
             + (SELECT coalesce(sum(g.span_count), 0) FROM span_segments g WHERE g.tenant_id = t.tenant_id AND g.trace_id = t.trace_id)) AS mismatches,
        (SELECT count(*)::int FROM spans s WHERE s.tenant_id = ANY(${tenants})
           AND NOT EXISTS (SELECT 1 FROM traces t WHERE t.tenant_id = s.tenant_id AND t.trace_id = s.trace_id)) AS orphans,
        (SELECT count(*)::int FROM spans s WHERE s.tenant_id = ANY(${tenants})
           AND NOT EXISTS (SELECT 1 FROM resources r WHERE r.tenant_id = s.tenant_id AND r.id = s.resource_id)) AS unresourced,
        (SELECT count(*)::int FROM spans WHERE tenant_id = ${EXPIRED_TENANT})
          + (SELECT coalesce(sum(span_count), 0)::int FROM span_segments WHERE tenant_id = ${EXPIRED_TENANT}) AS expired_spans,
        (SELECT count(*)::int FROM traces WHERE tenant_id = ${EXPIRED_TENANT}) AS expired_traces`;
    const runs = await sql<{ outcome: string; n: number }[]>`
      SELECT outcome, count(*)::int AS n FROM retention_runs WHERE started_at >= ${since} GROUP BY outcome`;
    const [size] = await sql<{ bytes: string; spans: string }[]>`
      SELECT (SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits WHERE inhparent IN ('spans'::regclass, 'span_segments'::regclass))
             + pg_total_relation_size('traces') + pg_total_relation_size('resources') + pg_total_relation_size('span_rollup') AS bytes,
             (SELECT count(*) FROM spans) + (SELECT coalesce(sum(span_count), 0) FROM span_segments) AS spans`;
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
