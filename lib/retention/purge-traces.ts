import "server-only";
import type { Sql } from "@/db/connect";
import { lockedTransaction } from "./transaction";
import type { TenantPolicy } from "./tenants";

export interface ClassCounts {
  traces: number;
  spans: number;
  /** The log records of those traces, which share their trace's class. */
  logRecords: number;
}

export interface TracePurgeCounts {
  standard: ClassCounts;
  kept: ClassCounts;
  /** Spans left past the kept-trace cutoff without their trace (a run cut off earlier). */
  strandedSpans: number;
  /** Log records past the standard cutoff with no stored trace, or past the kept cutoff. */
  logRecordsAlone: number;
}

export interface BatchOptions {
  batchSize: number;
  /** Checked between batches: a run stopped here leaves only whole batches done. */
  signal?: AbortSignal;
}

/** Row locks wait at most this long; ingest holds its locks for one short transaction. */
const LOCK_TIMEOUT = "2s";

interface Doomed {
  trace_id: string;
  start_time: Date;
  end_time: Date;
  kept: boolean;
}

/**
 * Expired traces of one tenant (ADR-010: measured from the trace's start, per class), a batch
 * at a time. Each batch deletes the traces' spans and summaries in one transaction, so a run cut
 * off anywhere leaves whole traces or none. Summaries ingest is updating right now are skipped
 * (SKIP LOCKED) and left for the next run rather than waited for.
 */
export async function purgeExpiredTraces(sql: Sql, tenant: TenantPolicy, options: BatchOptions): Promise<TracePurgeCounts> {
  const counts: TracePurgeCounts = { standard: { traces: 0, spans: 0, logRecords: 0 }, kept: { traces: 0, spans: 0, logRecords: 0 }, strandedSpans: 0, logRecordsAlone: 0 };
  for (;;) {
    options.signal?.throwIfAborted();
    const taken = await lockedTransaction(sql, async (tx) => {
      await tx`SELECT set_config('lock_timeout', ${LOCK_TIMEOUT}, true)`;
      const doomed = await tx<Doomed[]>`
        SELECT trace_id, start_time, end_time, (has_error OR is_slow OR is_security) AS kept
        FROM traces
        WHERE tenant_id = ${tenant.id} AND start_time < ${tenant.standardCutoff}
          AND (start_time < ${tenant.keptCutoff} OR NOT (has_error OR is_slow OR is_security))
        ORDER BY start_time
        LIMIT ${options.batchSize}
        FOR UPDATE SKIP LOCKED`;
      for (const kept of [false, true]) {
        const group = doomed.filter((d) => d.kept === kept);
        if (group.length === 0) continue;
        // A trace's spans start between its start and end: those bounds prune the partitions. The
        // end read back is cut to the millisecond, so it is rounded up: spans of its last
        // millisecond would stay behind (as stranded spans, until the kept cutoff).
        const from = new Date(Math.min(...group.map((d) => d.start_time.getTime())));
        const to = new Date(Math.max(...group.map((d) => d.end_time.getTime())) + 1);
        const ids = group.map((d) => d.trace_id);
        const spans = await tx`
          DELETE FROM spans WHERE tenant_id = ${tenant.id} AND trace_id = ANY(${ids}::uuid[])
            AND start_time >= ${from} AND start_time <= ${to}`;
        // Their sealed spans: a segment starts where one of its spans does, so the same bounds find it.
        const sealed = await tx<{ n: number }[]>`
          WITH gone AS (
            DELETE FROM span_segments WHERE tenant_id = ${tenant.id} AND trace_id = ANY(${ids}::uuid[])
              AND start_time >= ${from} AND start_time <= ${to}
            RETURNING span_count)
          SELECT coalesce(sum(span_count), 0)::int AS n FROM gone`;
        // And what investigate keeps of them (not spans of their own: not counted).
        await tx`
          DELETE FROM sealed_span_refs WHERE tenant_id = ${tenant.id} AND trace_id = ANY(${ids}::uuid[])
            AND start_time >= ${from} AND start_time <= ${to}`;
        // A trace's log records may lie outside its spans' times: found by trace id alone (log_records_trace_idx).
        const logs = await tx`DELETE FROM log_records WHERE tenant_id = ${tenant.id} AND trace_id = ANY(${ids}::uuid[])`;
        await tx`DELETE FROM traces WHERE tenant_id = ${tenant.id} AND trace_id = ANY(${ids}::uuid[])`;
        const c = kept ? counts.kept : counts.standard;
        c.traces += group.length;
        c.spans += spans.count + sealed[0]!.n;
        c.logRecords += logs.count;
      }
      return doomed.length;
    });
    if (taken < options.batchSize) break;
  }
  counts.strandedSpans = (await purgeStrandedSpans(sql, "spans", tenant, options)) + (await purgeStrandedSegments(sql, tenant, options));
  await purgeStrandedSpans(sql, "sealed_span_refs", tenant, options);
  counts.logRecordsAlone = await purgeLogRecordsAlone(sql, tenant, options);
  return counts;
}

/** Runs `remove` (one batch's DELETE) in locked transactions until a batch comes back short; the rows removed. */
async function deleteInBatches(sql: Sql, options: BatchOptions, remove: (tx: Sql) => Promise<{ count: number }>): Promise<number> {
  let total = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    const deleted = await lockedTransaction(sql, async (tx) => {
      await tx`SELECT set_config('lock_timeout', ${LOCK_TIMEOUT}, true)`;
      return (await remove(tx)).count;
    });
    total += deleted;
    if (deleted < options.batchSize) return total;
  }
}

/**
 * Spans that started before the tenant's kept-trace cutoff are expired whatever their trace:
 * a span never starts before its trace. Catches spans whose summary went first (a skipped
 * locked trace, an older partial run); partition pruning keeps this to the oldest days. The
 * same for sealed spans' investigate refs, keyed as spans are.
 */
function purgeStrandedSpans(sql: Sql, table: "spans" | "sealed_span_refs", tenant: TenantPolicy, options: BatchOptions): Promise<number> {
  return deleteInBatches(
    sql,
    options,
    (tx) => tx`
        DELETE FROM ${tx(table)} s USING (
          SELECT trace_id, span_id, start_time FROM ${tx(table)}
          WHERE tenant_id = ${tenant.id} AND start_time < ${tenant.keptCutoff}
          LIMIT ${options.batchSize}
        ) d
        WHERE s.tenant_id = ${tenant.id} AND s.trace_id = d.trace_id AND s.span_id = d.span_id
          AND s.start_time = d.start_time AND s.start_time < ${tenant.keptCutoff}`,
  );
}

/** Sealed spans past the kept cutoff, as purgeStrandedSpans: a segment starts where its first span does. */
async function purgeStrandedSegments(sql: Sql, tenant: TenantPolicy, options: BatchOptions): Promise<number> {
  let spans = 0;
  await deleteInBatches(sql, options, async (tx) => {
    const gone = await tx<{ span_count: number }[]>`
      DELETE FROM span_segments g USING (
        SELECT trace_id, seq, start_time FROM span_segments
        WHERE tenant_id = ${tenant.id} AND start_time < ${tenant.keptCutoff}
        LIMIT ${options.batchSize}
      ) d
      WHERE g.tenant_id = ${tenant.id} AND g.trace_id = d.trace_id AND g.seq = d.seq AND g.start_time = d.start_time
        AND g.start_time < ${tenant.keptCutoff}
      RETURNING g.span_count`;
    for (const r of gone) spans += r.span_count;
    return gone;
  });
  return spans;
}

/**
 * Log records not held by a stored trace: those of the standard class (no trace id, or a trace
 * that is not stored: never sent, or sampled away) past the standard cutoff, and every record
 * past the kept cutoff. A record whose trace is stored goes with it (purgeExpiredTraces).
 */
function purgeLogRecordsAlone(sql: Sql, tenant: TenantPolicy, options: BatchOptions): Promise<number> {
  return deleteInBatches(
    sql,
    options,
    (tx) => tx`
        DELETE FROM log_records l USING (
          SELECT x.time, x.record_id FROM log_records x
          WHERE x.tenant_id = ${tenant.id} AND x.time < ${tenant.standardCutoff}
            AND (x.time < ${tenant.keptCutoff} OR x.trace_id IS NULL
                 OR NOT EXISTS (SELECT 1 FROM traces t WHERE t.tenant_id = x.tenant_id AND t.trace_id = x.trace_id))
          LIMIT ${options.batchSize}
        ) d
        WHERE l.tenant_id = ${tenant.id} AND l.time = d.time AND l.record_id = d.record_id`,
  );
}
