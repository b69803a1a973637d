import "server-only";
import type { Sql } from "@/db/connect";

export interface TailSamplingOptions {
  now: Date;
  /** A trace is decided once it has received no span for this long. */
  decisionWindowMinutes: number;
  /** Traces decided per transaction, so a backlog never holds long locks. */
  batchSize?: number;
  /** Stops after this many batches; the rest waits for the next run. */
  maxBatches?: number;
}

export interface TailSamplingResult {
  decided: number;
  /** Kept because they had an error, a slow root or a security-related span. */
  keptAlways: number;
  /** Standard traces kept by the tenant's ratio; their sample weight grew by 1/ratio. */
  keptByRatio: number;
  dropped: number;
  droppedSpans: number;
  droppedLogRecords: number;
}

interface Decision {
  tenant_id: string;
  trace_id: string;
  start_time: Date;
  end_time: Date;
  always_kept: boolean;
  keep_ratio: number;
  in_sample: boolean;
}

const DEFAULT_BATCH = 1000;
const DEFAULT_MAX_BATCHES = 100;

/** Takes up to $2 traces quiet since $1 off the queue (including any whose trace was purged). */
const TAKE_DUE = `
  WITH due AS (
    SELECT p.tenant_id, p.trace_id FROM trace_sampling_pending p
    LEFT JOIN traces t ON t.tenant_id = p.tenant_id AND t.trace_id = p.trace_id
    WHERE t.trace_id IS NULL OR t.updated_at < $1
    ORDER BY p.tenant_id, p.trace_id
    LIMIT $2
    FOR UPDATE OF p SKIP LOCKED
  )
  DELETE FROM trace_sampling_pending p USING due
  WHERE p.tenant_id = due.tenant_id AND p.trace_id = due.trace_id
  RETURNING p.tenant_id, p.trace_id`;

/**
 * The taken traces, locked until the decision commits, with what decides them. A standard
 * trace is in the sample when the low 56 bits of its id (random in W3C trace ids, and what
 * OpenTelemetry's consistent probability sampling compares) fall below ratio × 2^56: the same
 * trace gets the same answer on every run.
 */
const DECIDE = `
  SELECT t.tenant_id, t.trace_id, t.start_time, t.end_time,
         t.has_error OR t.is_slow OR t.is_security AS always_kept,
         tn.keep_ratio,
         ('x' || right(replace(t.trace_id::text, '-', ''), 14))::bit(56)::bigint
           < (tn.keep_ratio::float8 * 72057594037927936)::bigint AS in_sample
  FROM unnest($1::text[], $2::uuid[]) AS k(tenant_id, trace_id)
  JOIN traces t ON t.tenant_id = k.tenant_id AND t.trace_id = k.trace_id
  JOIN tenants tn ON tn.id = t.tenant_id
  ORDER BY t.tenant_id, t.trace_id
  FOR UPDATE OF t`;

/**
 * Tail sampling at rest (ADR-012): after the decision window, standard traces of tenants
 * with keep_ratio < 1 are down-sampled to that ratio, deterministically by trace id; traces
 * with an error, a slow root or a security-related span are always kept. A kept standard trace
 * records its sample weight (× 1/ratio), so counts and rates can be re-weighted to the real
 * traffic, and is queued for the sealer; a dropped one loses its spans, log records and summary. Runs as the table owner (it deletes),
 * meant for a scheduled job.
 */
export async function applyTailSampling(sql: Sql, options: TailSamplingOptions): Promise<TailSamplingResult> {
  const cutoff = new Date(options.now.getTime() - options.decisionWindowMinutes * 60_000);
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const result: TailSamplingResult = { decided: 0, keptAlways: 0, keptByRatio: 0, dropped: 0, droppedSpans: 0, droppedLogRecords: 0 };
  for (let batch = 0; batch < (options.maxBatches ?? DEFAULT_MAX_BATCHES); batch++) {
    const taken = await sql.begin(async (tx) => {
      const due = await tx.unsafe<{ tenant_id: string; trace_id: string }[]>(TAKE_DUE, [cutoff, batchSize]);
      if (due.length === 0) return 0;
      const decisions = await tx.unsafe<Decision[]>(DECIDE, [due.map((d) => d.tenant_id), due.map((d) => d.trace_id)]);
      const kept = decisions.filter((d) => !d.always_kept && d.in_sample);
      const dropped = decisions.filter((d) => !d.always_kept && !d.in_sample);
      if (kept.length > 0) {
        await tx`
          UPDATE traces t SET sample_weight = t.sample_weight / k.ratio
          FROM unnest(${kept.map((d) => d.tenant_id)}::text[], ${kept.map((d) => d.trace_id)}::uuid[], ${kept.map((d) => d.keep_ratio)}::float8[])
               AS k(tenant_id, trace_id, ratio)
          WHERE t.tenant_id = k.tenant_id AND t.trace_id = k.trace_id`;
      }
      // The kept go to the sealer's queue, due when quiet (queued as of their last write, as ingest queues).
      const sealable = decisions.filter((d) => d.always_kept || d.in_sample);
      if (sealable.length > 0) {
        await tx`
          INSERT INTO trace_seal_pending (tenant_id, trace_id, queued_at)
          SELECT t.tenant_id, t.trace_id, t.updated_at
          FROM unnest(${sealable.map((d) => d.tenant_id)}::text[], ${sealable.map((d) => d.trace_id)}::uuid[]) AS k(tenant_id, trace_id)
          JOIN traces t ON t.tenant_id = k.tenant_id AND t.trace_id = k.trace_id
          ON CONFLICT DO NOTHING`;
      }
      if (dropped.length > 0) {
        const tenants = dropped.map((d) => d.tenant_id);
        const traces = dropped.map((d) => d.trace_id);
        // The summary spans its spans' starts, and those bounds let Postgres skip other days.
        const from = new Date(Math.min(...dropped.map((d) => d.start_time.getTime())));
        const to = new Date(Math.max(...dropped.map((d) => d.end_time.getTime())) + 1);
        const spans = await tx`
          DELETE FROM spans s USING unnest(${tenants}::text[], ${traces}::uuid[]) AS d(tenant_id, trace_id)
          WHERE s.tenant_id = d.tenant_id AND s.trace_id = d.trace_id AND s.start_time >= ${from} AND s.start_time <= ${to}`;
        // And any sealed spans: the sealer waits for the decision, but a dropped trace goes whole, whatever its spans' form.
        const sealed = await tx<{ n: number }[]>`
          WITH gone AS (
            DELETE FROM span_segments g USING unnest(${tenants}::text[], ${traces}::uuid[]) AS d(tenant_id, trace_id)
            WHERE g.tenant_id = d.tenant_id AND g.trace_id = d.trace_id AND g.start_time >= ${from} AND g.start_time <= ${to}
            RETURNING g.span_count)
          SELECT coalesce(sum(span_count), 0)::int AS n FROM gone`;
        // With what the sealer copied of them for /investigate, which would otherwise outlive the trace until retention.
        await tx`
          DELETE FROM sealed_span_refs r USING unnest(${tenants}::text[], ${traces}::uuid[]) AS d(tenant_id, trace_id)
          WHERE r.tenant_id = d.tenant_id AND r.trace_id = d.trace_id AND r.start_time >= ${from} AND r.start_time <= ${to}`;
        // Their log records go too, found by trace id alone: a record may lie outside its spans' times.
        const logs = await tx`
          DELETE FROM log_records l USING unnest(${tenants}::text[], ${traces}::uuid[]) AS d(tenant_id, trace_id)
          WHERE l.tenant_id = d.tenant_id AND l.trace_id = d.trace_id`;
        await tx`
          DELETE FROM traces t USING unnest(${tenants}::text[], ${traces}::uuid[]) AS d(tenant_id, trace_id)
          WHERE t.tenant_id = d.tenant_id AND t.trace_id = d.trace_id`;
        result.droppedSpans += spans.count + sealed[0]!.n;
        result.droppedLogRecords += logs.count;
      }
      result.decided += decisions.length;
      result.keptAlways += decisions.length - kept.length - dropped.length;
      result.keptByRatio += kept.length;
      result.dropped += dropped.length;
      return due.length;
    });
    if ((taken as number) < batchSize) break;
  }
  return result;
}
