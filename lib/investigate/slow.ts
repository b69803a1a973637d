import "server-only";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import { criticalPath, type TimedSpan } from "@/lib/traces/trace/critical-path";
import { withinRetention } from "@/lib/traces/retention-filter";
import type { SlowRank } from "./investigate-params";
import { firstSpans, withSealedSpans, type WantedTrace } from "./sealed-source";
import { tenantCondition, type TenantFilter, type Window } from "./tenant-filter";
import { hexIds, roundUpMs } from "./trace-link";
import { hasSegments } from "@/lib/traces/segments/has-segments";

export interface ServiceTime {
  service: string;
  /** Nanoseconds on the critical path. */
  timeNs: number;
  /** Share of the ranked latency. */
  share: number;
}

/** A trace slower than its tenant's slow threshold, by request or by end-to-end latency. */
export interface SlowRequest {
  tenantId: string;
  traceId: string;
  rootSpanId: string | null;
  requestId: string | null;
  rootService: string | null;
  rootName: string | null;
  start: Date;
  /** The root span's own duration (what the caller waited for); null when the root span is missing. */
  requestNs: bigint | null;
  /** First start to last end of the trace, jobs and event handlers included. */
  endToEndNs: bigint;
  spanCount: number;
  /**
   * Critical-path time per service, largest first (the first dominated): the request's path
   * when ranked by request latency, the path end to end otherwise.
   */
  services: ServiceTime[];
  /** Time on that path queued between producers and consumers. */
  queueWaitNs: number;
  /** Spans read for the critical path; fewer than spanCount when capped. */
  loadedSpans: number;
  capped: boolean;
}

export const SLOW_LIMIT = 20;
/** Spans read per trace for its critical path (the earliest ones, where the root's work is). */
export const SPAN_CAP = 2000;

interface TraceRow {
  tenant_id: string;
  trace_id: string;
  root_span_id: bigint | null;
  request_id: string | null;
  root_service: string | null;
  root_name: string | null;
  start_time: Date;
  end_time: Date;
  request_ns: bigint | null;
  end_to_end_ns: bigint;
  span_count: number;
  sealed: boolean;
}

interface SpanRow {
  idx: number;
  span_id: bigint;
  parent_span_id: bigint | null;
  service: string;
  start_ns: bigint;
  duration_ns: bigint;
  links: string[] | null;
}

/**
 * By request latency: roots flagged slow in the traces summary (traces_slow_idx), ordered by
 * the root span's duration. By end-to-end latency: traces whose first start to last end
 * exceeds the tenant's threshold, ordered by it (`traces.duration_ns`, the column a search
 * sorted by duration orders by, so both list the same slowest traces), which finds a fast
 * request whose job ran for minutes.
 */
const RANKS: Record<SlowRank, { slow: string; order: string }> = {
  request: { slow: "t.is_slow AND t.root_duration_ns IS NOT NULL", order: "t.root_duration_ns DESC, t.tenant_id, t.trace_id" },
  "end-to-end": { slow: "t.duration_ns > n.slow_threshold_ms::bigint * 1000000", order: "t.duration_ns DESC, t.tenant_id DESC, t.trace_id DESC" },
};

function slowTraces(tx: TransactionSql, tenants: TenantFilter, window: Window, rank: SlowRank, limit: number) {
  const { slow, order } = RANKS[rank];
  // The window's slowest first, then only they are asked whether they have segments.
  return tx<TraceRow[]>`
    WITH top AS MATERIALIZED (
      SELECT t.tenant_id, t.trace_id, t.root_span_id, t.request_id, t.root_service, t.root_name, t.start_time, t.end_time,
             t.root_duration_ns, t.duration_ns, t.span_count
      FROM traces t JOIN tenants n ON n.id = t.tenant_id
      WHERE ${tx.unsafe(slow)} AND t.start_time >= ${window.from} AND t.start_time < ${window.to}
        AND ${tenantCondition(tx, "t.tenant_id", tenants)} AND ${withinRetention(tx)}
      ORDER BY ${tx.unsafe(order)}
      LIMIT ${limit}
    )
    SELECT t.tenant_id, t.trace_id::text AS trace_id, t.root_span_id, t.request_id, t.root_service, t.root_name,
           t.start_time, t.end_time, t.root_duration_ns AS request_ns, t.duration_ns AS end_to_end_ns, t.span_count,
           ${tx.unsafe(hasSegments("t"))} AS sealed
    FROM top t
    ORDER BY ${tx.unsafe(order)}`;
}

/** The first SPAN_CAP + 1 spans of each trace in `from` (`spans`, or one trace's rows and sealed spans), by index in `wanted`. */
function spanRows(tx: TransactionSql, tenants: TenantFilter, wanted: readonly WantedTrace[], from: PendingQuery<Row[]>) {
  // Links to spans of the same trace only, as signed decimals like span_id.
  const columns = tx`s.span_id, s.parent_span_id, s.service, s.duration_ns,
             (round(extract(epoch FROM s.start_time - g."from") * 1000000) * 1000)::bigint AS start_ns,
             CASE WHEN s.links = '[]'::jsonb THEN NULL ELSE
               (SELECT array_agg(('x' || (l->>'spanId'))::bit(64)::bigint::text) FROM jsonb_array_elements(s.links) l
                WHERE lower(l->>'traceId') = replace(g.trace_id::text, '-', '') AND l->>'spanId' ~ '^[0-9a-fA-F]{16}$') END AS links`;
  return firstSpans<SpanRow>(tx, tenants, wanted, from, columns, SPAN_CAP);
}

/**
 * The slowest traces in the window by `rank` (slowTraces); for each, the service that
 * dominated its critical path (lib/traces/trace/critical-path), from at most SPAN_CAP spans.
 */
export async function slowRequests(
  tx: TransactionSql,
  tenants: TenantFilter,
  window: Window,
  { rank = "request", limit = SLOW_LIMIT }: { rank?: SlowRank; limit?: number } = {},
): Promise<SlowRequest[]> {
  const traces = await slowTraces(tx, tenants, window, rank, limit);
  if (traces.length === 0) return [];

  const wanted = traces.map((r) => ({ tenant_id: r.tenant_id, trace_id: r.trace_id, from: r.start_time, to: roundUpMs(r.end_time), sealed: r.sealed }));
  // A sealed trace's first spans are its rows' and its segments' first: read again from both.
  const spans = await withSealedSpans(
    tx,
    wanted,
    await spanRows(tx, tenants, wanted, tx`spans`),
    () => ({ first: SPAN_CAP + 1, attributes: [], links: true }),
    (one, from) => spanRows(tx, tenants, one, from),
  );

  const perTrace = traces.map((): TimedSpan[] => []);
  const read = traces.map(() => 0);
  for (const s of spans) {
    read[s.idx]!++;
    const list = perTrace[s.idx]!;
    if (list.length >= SPAN_CAP) continue;
    const start = Number(s.start_ns);
    list.push({
      id: s.span_id.toString(),
      parentId: s.parent_span_id?.toString() ?? null,
      service: s.service,
      start,
      end: start + Number(s.duration_ns),
      ...(s.links ? { links: s.links } : {}),
    });
  }
  return traces.map((r, i) => {
    const loaded = perTrace[i]!;
    const ranked = Number(rank === "request" ? r.request_ns : r.end_to_end_ns);
    const path = rank === "request" ? criticalPath(loaded, r.root_span_id!.toString()) : criticalPath(loaded);
    const ids = hexIds(r.trace_id, r.root_span_id);
    return {
      tenantId: r.tenant_id,
      traceId: ids.traceId,
      rootSpanId: ids.spanId,
      requestId: r.request_id,
      rootService: r.root_service,
      rootName: r.root_name,
      start: r.start_time,
      requestNs: r.request_ns,
      endToEndNs: r.end_to_end_ns,
      spanCount: r.span_count,
      services: path.byService.map((b) => ({ service: b.service, timeNs: b.time, share: ranked > 0 ? b.time / ranked : 0 })),
      queueWaitNs: path.queueWait,
      loadedSpans: loaded.length,
      capped: read[i]! > SPAN_CAP,
    };
  });
}
