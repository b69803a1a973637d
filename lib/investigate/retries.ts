import "server-only";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import type { SegmentSpan } from "@/lib/traces/segments/format";
import { withinRetention } from "@/lib/traces/retention-filter";
import { rowOf, withSealedSpans, type WantedTrace } from "./sealed-source";
import { tenantCondition, type TenantFilter, type Window } from "./tenant-filter";
import { hexIds, roundUpMs } from "./trace-link";
import { hasSegments } from "@/lib/traces/segments/has-segments";

export type RetryOutcome = "succeeded" | "failed" | "retrying";

export interface RetryAttempt {
  spanId: string;
  /** `job.attempt`, or `http.request.resend_count` + 1; null when the span does not say. */
  attempt: number | null;
  start: Date;
  durationNs: bigint;
  failed: boolean;
}

/** One job, or one operation resent by its client, that ran more than N times in a trace. */
export interface RetryLoop {
  tenantId: string;
  traceId: string;
  kind: "job" | "operation";
  /** The job id, or the operation's name. */
  key: string;
  /** The job name, or the operation's name. */
  name: string;
  service: string;
  /** How many times it ran: the highest attempt number seen. */
  attempts: number;
  /** What the last attempt did. */
  outcome: RetryOutcome;
  lastAttemptSpanId: string;
  lastAt: Date;
  root: { service: string | null; name: string | null };
  requestId: string | null;
  /** Every attempt found, in start order (at most MAX_TIMELINE). */
  timeline: RetryAttempt[];
}

export const RETRY_LOOPS_LIMIT = 50;
export const MAX_TIMELINE = 100;

interface GroupRow {
  tenant_id: string;
  trace_id: string;
  trace_start: Date;
  trace_end: Date;
  is_job: boolean;
  job_id: string | null;
  parent_span_id: bigint | null;
  name: string;
  service: string;
  attempts: number;
  outcome: RetryOutcome;
  last_span_id: bigint;
  last_at: Date;
  root_service: string | null;
  root_name: string | null;
  request_id: string | null;
  sealed: boolean;
}

interface AttemptRow {
  idx: number;
  span_id: bigint;
  start_time: Date;
  duration_ns: bigint;
  status_code: number;
  attempt: number | null;
}

/** A loop whose attempts are read: its trace, and its job id or its parent and name. */
interface Wanted extends WantedTrace {
  idx: number;
  job_id: string | null;
  parent_span_id: string | null;
  name: string;
}

/** What attemptRows and attemptNumber read of a sealed span's attributes. */
const ATTEMPT_ATTRIBUTES = ["job.attempt", "job.id", "http.request.resend_count"] as const;

/** The attempt number a span states, as SQL: only JSON numbers count, capped so a cast cannot fail. */
function attemptNumber(tx: TransactionSql) {
  return tx`CASE
    WHEN s.attributes ? 'job.attempt' THEN
      CASE WHEN jsonb_typeof(s.attributes->'job.attempt') = 'number'
           THEN least(greatest((s.attributes->>'job.attempt')::numeric, 0), 1000000)::int END
    WHEN jsonb_typeof(s.attributes->'http.request.resend_count') = 'number'
      THEN least(greatest((s.attributes->>'http.request.resend_count')::numeric, 0), 1000000)::int + 1
  END`;
}

/**
 * Second and later attempts in the window, of the rows or (sealed) of their refs, which keep
 * what is read here; a row repeating a sealed span replaces it. The predicate is the partial
 * indexes' word for word (spans_retries_idx, sealed_span_refs_retries_idx).
 */
function candidates(tx: TransactionSql, table: "spans" | "sealed_span_refs", tenants: TenantFilter, window: Window) {
  return tx`
      SELECT s.tenant_id, s.trace_id, s.span_id, s.parent_span_id, s.service, s.name, s.start_time, s.status_code,
             s.attributes ? 'job.attempt' AS is_job,
             CASE WHEN s.attributes ? 'job.attempt' THEN coalesce(s.attributes->>'job.id', s.name) END AS job_id,
             CASE WHEN s.attributes ? 'job.attempt' THEN coalesce(s.attributes->>'job.name', s.name) ELSE s.name END AS label,
             s.attributes->>'job.outcome' AS job_outcome,
             ${attemptNumber(tx)} AS attempt
      FROM ${tx(table)} s
      WHERE (s.attributes ? 'http.request.resend_count' OR (s.attributes ? 'job.attempt' AND s.attributes->'job.attempt' <> '1'::jsonb))
        AND s.start_time >= ${window.from} AND s.start_time < ${window.to}
        AND ${tenantCondition(tx, "s.tenant_id", tenants)}
        ${table === "spans" ? tx`` : tx`AND NOT EXISTS (${rowOf(tx, "s")})`}`;
}

/** Every attempt of each group in `wanted`, in `from` (`spans`, or one trace's rows and sealed spans). */
function attemptRows(tx: TransactionSql, tenants: TenantFilter, wanted: readonly Wanted[], from: PendingQuery<Row[]>) {
  return tx<AttemptRow[]>`
    SELECT g.idx, s.span_id, s.start_time, s.duration_ns, s.status_code, ${attemptNumber(tx)} AS attempt
    FROM jsonb_to_recordset((${JSON.stringify(wanted)}::text)::jsonb)
         AS g(idx int, tenant_id text, trace_id uuid, "from" timestamptz, "to" timestamptz, job_id text, parent_span_id bigint, name text)
    JOIN ${from} s ON s.tenant_id = g.tenant_id AND s.trace_id = g.trace_id AND s.start_time >= g."from" AND s.start_time <= g."to"
    WHERE CASE WHEN g.job_id IS NOT NULL
               THEN s.attributes ? 'job.attempt' AND coalesce(s.attributes->>'job.id', s.name) = g.job_id
               ELSE s.parent_span_id IS NOT DISTINCT FROM g.parent_span_id AND s.name = g.name END
      AND ${tenantCondition(tx, "s.tenant_id", tenants)}
    ORDER BY g.idx, s.start_time, s.span_id`;
}

/**
 * Retry loops in the window: a job (same `job.id`) whose attempts went above `n`, or a client
 * operation whose resends (`http.request.resend_count`, same parent and name) did. Candidates
 * come from the partial index spans_retries_idx (second and later attempts only); the first
 * attempt is read only for the loops shown, to draw their timelines.
 */
export async function retryLoops(tx: TransactionSql, tenants: TenantFilter, window: Window, n: number): Promise<RetryLoop[]> {
  const groups = await tx<GroupRow[]>`
    WITH c AS MATERIALIZED (
      ${candidates(tx, "spans", tenants, window)}
      UNION ALL
      ${candidates(tx, "sealed_span_refs", tenants, window)}
    ), g AS (
      SELECT tenant_id, trace_id, is_job, job_id, CASE WHEN is_job THEN NULL ELSE parent_span_id END AS parent_span_id,
             label AS name, min(service) AS service, max(attempt) AS attempts,
             (array_agg(span_id ORDER BY attempt DESC, start_time DESC))[1] AS last_span_id,
             (array_agg(CASE WHEN status_code <> 2 THEN 'succeeded' WHEN job_outcome = 'retry_scheduled' THEN 'retrying' ELSE 'failed' END
                        ORDER BY attempt DESC, start_time DESC))[1] AS outcome,
             max(start_time) AS last_at
      FROM c
      WHERE attempt IS NOT NULL
      GROUP BY tenant_id, trace_id, is_job, job_id, CASE WHEN is_job THEN NULL ELSE parent_span_id END, label
      HAVING max(attempt) > ${n}
    )
    SELECT g.tenant_id, t.trace_id::text AS trace_id, g.is_job, g.job_id, g.parent_span_id, g.name, g.service, g.attempts,
           g.outcome, g.last_span_id, g.last_at, t.start_time AS trace_start, t.end_time AS trace_end,
           t.root_service, t.root_name, t.request_id, ${tx.unsafe(hasSegments("t"))} AS sealed
    FROM g
    JOIN traces t ON t.tenant_id = g.tenant_id AND t.trace_id = g.trace_id
    JOIN tenants n ON n.id = t.tenant_id
    WHERE ${withinRetention(tx)}
    ORDER BY g.attempts DESC, g.last_at DESC, g.tenant_id, g.trace_id
    LIMIT ${RETRY_LOOPS_LIMIT}`;
  if (groups.length === 0) return [];

  const wanted: Wanted[] = groups.map((g, idx) => ({
    idx,
    tenant_id: g.tenant_id,
    trace_id: g.trace_id,
    from: g.trace_start,
    to: roundUpMs(g.trace_end),
    sealed: g.sealed,
    job_id: g.is_job ? g.job_id : null,
    parent_span_id: g.is_job || g.parent_span_id === null ? null : g.parent_span_id.toString(),
    name: g.name,
  }));
  // A sealed trace's attempts, first ones included, are read from its rows and segments.
  const attempts = await withSealedSpans(
    tx,
    wanted,
    await attemptRows(tx, tenants, wanted, tx`spans`),
    (g) => ({ keep: (s: SegmentSpan) => s.name === g.name || Object.hasOwn(s.attributes, "job.attempt"), attributes: ATTEMPT_ATTRIBUTES }),
    (one, from) => attemptRows(tx, tenants, one, from),
  );

  const timelines = groups.map((): RetryAttempt[] => []);
  for (const a of attempts) {
    const list = timelines[a.idx]!;
    if (list.length < MAX_TIMELINE) {
      list.push({ spanId: hexIds(groups[a.idx]!.trace_id, a.span_id).spanId!, attempt: a.attempt, start: a.start_time, durationNs: a.duration_ns, failed: a.status_code === 2 });
    }
  }
  return groups.map((g, i) => {
    const ids = hexIds(g.trace_id, g.last_span_id);
    return {
      tenantId: g.tenant_id,
      traceId: ids.traceId,
      kind: g.is_job ? "job" : "operation",
      key: g.is_job ? (g.job_id ?? g.name) : g.name,
      name: g.name,
      service: g.service,
      attempts: g.attempts,
      outcome: g.outcome,
      lastAttemptSpanId: ids.spanId!,
      lastAt: g.last_at,
      root: { service: g.root_service, name: g.root_name },
      requestId: g.request_id,
      timeline: timelines[i]!,
    };
  });
}
