import "server-only";
import type { TransactionSql } from "postgres";
import { criticalPath, type TimedSpan } from "@/lib/traces/critical-path";
import { withinRetention } from "@/lib/traces/retention-filter";
import { tenantCondition, type TenantFilter, type Window } from "./tenant-filter";
import { hexIds, roundUpMs } from "./trace-link";

export interface ServiceTime {
  service: string;
  /** Nanoseconds on the critical path. */
  timeNs: number;
  /** Share of the root's duration. */
  share: number;
}

/** A request whose root span took longer than its tenant's slow threshold. */
export interface SlowRequest {
  tenantId: string;
  traceId: string;
  rootSpanId: string;
  requestId: string | null;
  rootService: string | null;
  rootName: string | null;
  start: Date;
  /** The root span's own duration (what the caller waited for). */
  durationNs: bigint;
  spanCount: number;
  /** Critical-path time per service, largest first (the first dominated the request). */
  services: ServiceTime[];
  /** Spans read for the critical path; fewer than spanCount when capped. */
  loadedSpans: number;
  capped: boolean;
}

export const SLOW_LIMIT = 20;
/** Spans read per trace for its critical path (the earliest ones, where the root's work is). */
export const SPAN_CAP = 2000;

interface RootRow {
  tenant_id: string;
  trace_id: string;
  root_span_id: bigint;
  request_id: string | null;
  root_service: string | null;
  root_name: string | null;
  start_time: Date;
  end_time: Date;
  duration_ns: bigint;
  span_count: number;
}

interface SpanRow {
  idx: number;
  span_id: bigint;
  parent_span_id: bigint | null;
  service: string;
  start_ns: bigint;
  duration_ns: bigint;
}

/**
 * The slowest requests in the window: roots flagged slow in the traces summary (traces_slow_idx),
 * ordered by the root span's duration; for each, the service that dominated its critical path
 * (lib/traces/critical-path), from at most SPAN_CAP spans.
 */
export async function slowRequests(tx: TransactionSql, tenants: TenantFilter, window: Window, limit = SLOW_LIMIT): Promise<SlowRequest[]> {
  const roots = await tx<RootRow[]>`
    WITH w AS MATERIALIZED (
      SELECT t.tenant_id, t.trace_id, t.root_span_id, t.request_id, t.root_service, t.root_name, t.start_time, t.end_time,
             t.span_count, t.has_error, t.is_slow, t.is_security
      FROM traces t
      WHERE t.is_slow AND t.root_span_id IS NOT NULL AND t.start_time >= ${window.from} AND t.start_time < ${window.to}
        AND ${tenantCondition(tx, "t.tenant_id", tenants)}
    )
    SELECT t.tenant_id, t.trace_id::text AS trace_id, t.root_span_id, t.request_id, t.root_service, t.root_name,
           t.start_time, t.end_time, r.duration_ns, t.span_count
    FROM w t
    JOIN tenants n ON n.id = t.tenant_id
    JOIN spans r ON r.tenant_id = t.tenant_id AND r.trace_id = t.trace_id AND r.span_id = t.root_span_id
                AND r.start_time >= t.start_time AND r.start_time <= t.end_time
    WHERE ${withinRetention(tx)}
    ORDER BY r.duration_ns DESC, t.tenant_id, t.trace_id
    LIMIT ${limit}`;
  if (roots.length === 0) return [];

  const wanted = roots.map((r, idx) => ({ idx, tenant_id: r.tenant_id, trace_id: r.trace_id, from: r.start_time, to: roundUpMs(r.end_time) }));
  const spans = await tx<SpanRow[]>`
    SELECT g.idx, s.span_id, s.parent_span_id, s.service, s.start_ns, s.duration_ns
    FROM jsonb_to_recordset((${JSON.stringify(wanted)}::text)::jsonb)
         AS g(idx int, tenant_id text, trace_id uuid, "from" timestamptz, "to" timestamptz)
    CROSS JOIN LATERAL (
      SELECT s.span_id, s.parent_span_id, s.service, s.duration_ns,
             (round(extract(epoch FROM s.start_time - g."from") * 1000000) * 1000)::bigint AS start_ns
      FROM spans s
      WHERE s.tenant_id = g.tenant_id AND s.trace_id = g.trace_id AND s.start_time >= g."from" AND s.start_time <= g."to"
        AND ${tenantCondition(tx, "s.tenant_id", tenants)}
      ORDER BY s.start_time, s.span_id
      LIMIT ${SPAN_CAP + 1}
    ) s
    ORDER BY g.idx`;

  const perTrace = roots.map((): TimedSpan[] => []);
  const read = roots.map(() => 0);
  for (const s of spans) {
    read[s.idx]!++;
    const list = perTrace[s.idx]!;
    if (list.length >= SPAN_CAP) continue;
    const start = Number(s.start_ns);
    list.push({ id: s.span_id.toString(), parentId: s.parent_span_id?.toString() ?? null, service: s.service, start, end: start + Number(s.duration_ns) });
  }
  return roots.map((r, i) => {
    const loaded = perTrace[i]!;
    const rootNs = Number(r.duration_ns);
    const path = criticalPath(loaded);
    const ids = hexIds(r.trace_id, r.root_span_id);
    return {
      tenantId: r.tenant_id,
      traceId: ids.traceId,
      rootSpanId: ids.spanId!,
      requestId: r.request_id,
      rootService: r.root_service,
      rootName: r.root_name,
      start: r.start_time,
      durationNs: r.duration_ns,
      spanCount: r.span_count,
      services: path.byService.map((b) => ({ service: b.service, timeNs: b.time, share: rootNs > 0 ? b.time / rootNs : 0 })),
      loadedSpans: loaded.length,
      capped: read[i]! > SPAN_CAP,
    };
  });
}
