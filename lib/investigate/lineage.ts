import "server-only";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import { withinRetention } from "@/lib/traces/retention-filter";
import { buildLineage, type LineageNode, type LineageSpan } from "./lineage-tree";
import { firstSpans, withSealedSpans, type WantedTrace } from "./sealed-source";
import { tenantCondition, type TenantFilter, type Window } from "./tenant-filter";
import { hexIds, roundUpMs } from "./trace-link";
import { hasSegments } from "@/lib/traces/segments/has-segments";

export type LineageMatch = "request" | "job" | "event";

/** One trace an id was found in, with everything its request triggered. */
export interface LineageTrace {
  tenantId: string;
  traceId: string;
  /** What the looked-up id was in this trace. */
  matched: LineageMatch;
  requestId: string | null;
  start: Date;
  spanCount: number;
  /** Depth-first: the request, then the jobs and events it triggered, and theirs. */
  nodes: LineageNode[];
  /** Spans read; when capped, work beyond the first LINEAGE_SPAN_CAP spans is not shown. */
  loadedSpans: number;
  capped: boolean;
}

export const LINEAGE_TRACES_LIMIT = 10;
export const LINEAGE_SPAN_CAP = 5000;

interface MatchRow {
  tenant_id: string;
  trace_id: string;
  matched: LineageMatch;
  request_id: string | null;
  start_time: Date;
  end_time: Date;
  span_count: number;
  sealed: boolean;
}

interface SpanRow {
  idx: number;
  span_id: bigint;
  parent_span_id: bigint | null;
  service: string;
  name: string;
  kind: number;
  start_time: Date;
  duration_ns: bigint;
  status_code: number;
  job_id: string | null;
  job_name: string | null;
  job_queue: string | null;
  job_attempt: number | null;
  job_outcome: string | null;
  event_id: string | null;
  event_name: string | null;
}

/** What spanRows reads of a sealed span's attributes. */
const LINEAGE_ATTRIBUTES = ["job.id", "job.name", "job.queue", "job.attempt", "job.outcome", "event.id", "event.name"] as const;

/** The first LINEAGE_SPAN_CAP + 1 spans of each trace in `from` (`spans`, or one trace's rows and sealed spans), by index in `wanted`. */
function spanRows(tx: TransactionSql, tenants: TenantFilter, wanted: readonly WantedTrace[], from: PendingQuery<Row[]>) {
  const columns = tx`s.span_id, s.parent_span_id, s.service, s.name, s.kind, s.start_time, s.duration_ns, s.status_code,
             s.attributes->>'job.id' AS job_id, s.attributes->>'job.name' AS job_name, s.attributes->>'job.queue' AS job_queue,
             CASE WHEN jsonb_typeof(s.attributes->'job.attempt') = 'number'
                  THEN least(greatest((s.attributes->>'job.attempt')::numeric, 0), 1000000)::int END AS job_attempt,
             s.attributes->>'job.outcome' AS job_outcome,
             s.attributes->>'event.id' AS event_id, s.attributes->>'event.name' AS event_name`;
  return firstSpans<SpanRow>(tx, tenants, wanted, from, columns, LINEAGE_SPAN_CAP);
}

/**
 * Finds `id` as a job id (`job.id`), an event id (`event.id`) or a request id in the window
 * and the caller's tenants, and returns the lineage of each trace it occurs in: from a job or
 * event back to the request that triggered it, and from the request to everything it
 * triggered. An id of another tenant, or past retention, finds nothing.
 */
export async function findLineage(tx: TransactionSql, tenants: TenantFilter, window: Window, id: string): Promise<LineageTrace[]> {
  const matches = await tx<MatchRow[]>`
    WITH m AS MATERIALIZED (
      -- Job and event ids through a lookup that can use the indexes under row-level security
      -- (migration investigate); it returns only tenants this transaction may see.
      SELECT f.tenant_id, f.trace_id, f.matched FROM investigate_spans_with_id(${id}, ${window.from}, ${window.to}) f
      WHERE ${tenantCondition(tx, "f.tenant_id", tenants)}
      UNION
      SELECT t.tenant_id, t.trace_id, 'request' FROM traces t
      WHERE t.request_id = ${id}
        AND t.start_time >= ${window.from} AND t.start_time < ${window.to} AND ${tenantCondition(tx, "t.tenant_id", tenants)}
    )
    SELECT DISTINCT ON (t.tenant_id, t.trace_id) t.tenant_id, t.trace_id::text AS trace_id, m.matched, t.request_id,
           t.start_time, t.end_time, t.span_count, ${tx.unsafe(hasSegments("t"))} AS sealed
    FROM m
    JOIN traces t ON t.tenant_id = m.tenant_id AND t.trace_id = m.trace_id
    JOIN tenants n ON n.id = t.tenant_id
    WHERE ${withinRetention(tx)}
    ORDER BY t.tenant_id, t.trace_id, m.matched`;
  if (matches.length === 0) return [];
  const shown = [...matches].sort((a, b) => b.start_time.getTime() - a.start_time.getTime()).slice(0, LINEAGE_TRACES_LIMIT);

  const wanted = shown.map((m) => ({ tenant_id: m.tenant_id, trace_id: m.trace_id, from: m.start_time, to: roundUpMs(m.end_time), sealed: m.sealed }));
  // A sealed trace's first spans are its rows' and its segments' first: read again from both.
  const spans = await withSealedSpans(
    tx,
    wanted,
    await spanRows(tx, tenants, wanted, tx`spans`),
    () => ({ first: LINEAGE_SPAN_CAP + 1, attributes: LINEAGE_ATTRIBUTES }),
    (one, from) => spanRows(tx, tenants, one, from),
  );

  const perTrace = shown.map((): LineageSpan[] => []);
  const read = shown.map(() => 0);
  for (const s of spans) {
    read[s.idx]!++;
    const list = perTrace[s.idx]!;
    if (list.length >= LINEAGE_SPAN_CAP) continue;
    const traceUuid = shown[s.idx]!.trace_id;
    list.push({
      id: hexIds(traceUuid, s.span_id).spanId!,
      parentId: s.parent_span_id === null ? null : hexIds(traceUuid, s.parent_span_id).spanId,
      service: s.service,
      name: s.name,
      kind: s.kind,
      start: s.start_time,
      durationNs: s.duration_ns,
      failed: s.status_code === 2,
      jobId: s.job_id,
      jobName: s.job_name,
      jobQueue: s.job_queue,
      jobAttempt: s.job_attempt,
      jobOutcome: s.job_outcome,
      eventId: s.event_id,
      eventName: s.event_name,
    });
  }
  return shown.map((m, i) => ({
    tenantId: m.tenant_id,
    traceId: hexIds(m.trace_id, null).traceId,
    matched: m.matched,
    requestId: m.request_id,
    start: m.start_time,
    spanCount: m.span_count,
    nodes: buildLineage(perTrace[i]!, m.request_id),
    loadedSpans: perTrace[i]!.length,
    capped: read[i]! > LINEAGE_SPAN_CAP,
  }));
}
