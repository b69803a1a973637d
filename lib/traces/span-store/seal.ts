import "server-only";
import type { TransactionSql } from "postgres";
import { connect, type Sql } from "@/db/connect";
import { traceLockKeys } from "@/lib/ingest/traces/store";
import { decodeColumns, decodeSegment, segmentOf } from "@/lib/traces/segments/decode";
import { encodeSegment } from "@/lib/traces/segments/encode";
import type { SegmentSpan } from "@/lib/traces/segments/format";
import { isoMicros, SEGMENT_SPAN_SELECT, spanKey, SPAN_COLUMN_NAMES } from "./columns";
import { type SealingTrace, writeInvestigateRefs } from "./investigate-refs";
import { traceRange, tracesRecordset } from "./read";

/**
 * The sealer (issue 22, docs/sealed-traces.md): a trace queued in `trace_seal_pending`, quiet
 * for `quietMinutes` and decided by tail sampling, has its span rows written as segments and deleted,
 * in one transaction with a few other traces (a batch), so a crash anywhere leaves each trace as rows or as segments,
 * never both and never neither. Spans that arrive later are rows until the next run seals them
 * as further segments. The app's scheduler runs it after tail sampling (lib/jobs/scheduler.ts).
 */

/** One sealer at a time, cluster-wide: a session-level advisory lock on the run's own connection. */
export const SEAL_LOCK_KEY = 7420022;
/** A reader decodes a segment whole: this bounds its memory, whatever the trace's size. */
export const MAX_SEGMENT_SPANS = 10_000;

export interface SealOptions {
  now: Date;
  /** A trace is sealed once it has received no span for this long: at least tail sampling's decision window. */
  quietMinutes: number;
  /** Traces sealed per run; the rest wait for the next. */
  maxTraces?: number;
  maxSegmentSpans?: number;
  /** Traces sealed per transaction at most (it also stops at maxSegmentSpans spans). */
  batchTraces?: number;
  /** Runs inside each batch's transaction after its segments are written, before its rows are deleted (tests). */
  beforeDelete?: (tx: TransactionSql) => Promise<void>;
}

export interface SealResult {
  traces: number;
  spans: number;
  segments: number;
  /** Older segments written again without spans a later row replaced. */
  rewritten: number;
  /** Traces left as rows: what failed, rolled back (their rows untouched), for the next run or a person. */
  failed: { tenantId: string; traceId: string; error: string }[];
}

interface Due {
  tenant_id: string;
  trace_id: string;
  /** The summary's span count (0 when it is gone): batches are bounded by it. */
  spans: number;
}

/** A due trace whose summary was read under its lock. */
interface Summary {
  tenant_id: string;
  trace_id: string;
  start: Date;
  end: Date;
  quiet: boolean;
  undecided: boolean;
}

const DEFAULT_MAX_TRACES = 1_000;
/**
 * Each statement of a seal costs a round trip and a plan whatever its size: a demo trace of ~20
 * spans sealed alone took ~13 statements and ~7 ms, most of it neither encoding nor Postgres's
 * work on the spans (BENCHMARKS.md, Storage).
 */
const DEFAULT_BATCH_TRACES = 50;

const key = (tenantId: string, traceId: string) => `${tenantId}/${traceId}`;
const emptyResult = (): SealResult => ({ traces: 0, spans: 0, segments: 0, rewritten: 0, failed: [] });

/** Seals due traces; null when another sealer holds the lock. */
export async function sealTraces(url: string, options: SealOptions): Promise<SealResult | null> {
  // A connection of the run's own, as the retention run has: the lock lives exactly as long as it.
  const conn = connect(url, { max: 1, applicationName: "trace-explorer-sealer" });
  try {
    // Saves a second sealer the work; correctness does not rest on it: each batch's transaction
    // takes its traces' own locks and re-reads them, so a sealer whose session was replaced (losing
    // this lock) still never seals a span twice.
    const [lock] = await conn<{ ok: boolean }[]>`SELECT pg_try_advisory_lock(${SEAL_LOCK_KEY}) AS ok`;
    if (lock?.ok !== true) return null;
    // A seal whose commit a crash loses is redone: its transaction is lost whole (rows, queue entry and all
    // come back), and anything committed after it waited for it in the WAL. Waiting for each flush cost ~10 %.
    await conn`SET synchronous_commit = off`;
    const result = emptyResult();
    const cutoff = new Date(options.now.getTime() - options.quietMinutes * 60_000);
    const maxSpans = options.maxSegmentSpans ?? MAX_SEGMENT_SPANS;
    for (const batch of batches(await dueTraces(conn, cutoff, options.maxTraces ?? DEFAULT_MAX_TRACES), options.batchTraces ?? DEFAULT_BATCH_TRACES, maxSpans)) {
      const error = await sealCommitted(conn, batch, cutoff, options, result);
      if (error === null) continue;
      if (batch.length === 1) {
        result.failed.push({ tenantId: batch[0]!.tenant_id, traceId: batch[0]!.trace_id, error });
        continue;
      }
      // The batch rolled back whole: each trace alone, so one that cannot be sealed leaves only itself as rows.
      for (const trace of batch) {
        const alone = await sealCommitted(conn, [trace], cutoff, options, result);
        if (alone !== null) result.failed.push({ tenantId: trace.tenant_id, traceId: trace.trace_id, error: alone });
      }
    }
    return result;
  } finally {
    // Closing the session releases the lock.
    await conn.end({ timeout: 5 }).catch(() => {});
  }
}

/** Seals `batch` in one transaction and adds what it committed to `result`; the error when it rolled back. */
async function sealCommitted(conn: Sql, batch: readonly Due[], cutoff: Date, options: SealOptions, result: SealResult): Promise<string | null> {
  // Counted only once committed: a batch whose transaction fails adds nothing.
  const counts = emptyResult();
  try {
    await conn.begin((tx) => sealBatch(tx, batch, cutoff, options, counts));
  } catch (cause) {
    return cause instanceof Error ? cause.message : String(cause);
  }
  result.traces += counts.traces;
  result.spans += counts.spans;
  result.segments += counts.segments;
  result.rewritten += counts.rewritten;
  return null;
}

/** Due traces in order, cut into batches of at most `traces` traces and, but for a bigger trace alone, `spans` spans. */
function* batches(due: readonly Due[], traces: number, spans: number): Generator<Due[]> {
  let batch: Due[] = [];
  let held = 0;
  for (const trace of due) {
    if (batch.length > 0 && (batch.length >= traces || held + trace.spans > spans)) {
      yield batch;
      batch = [];
      held = 0;
    }
    batch.push(trace);
    held += trace.spans;
  }
  if (batch.length > 0) yield batch;
}

/**
 * Queued traces quiet since the cutoff, or gone, the longest queued first. An entry is never
 * older than its trace's last write (both are stamped in the writing transaction), so the
 * queue's index skips every entry too young to be due and only what it returns is joined.
 */
function dueTraces(conn: Sql, cutoff: Date, limit: number): Promise<Due[]> {
  return conn<Due[]>`
    SELECT q.tenant_id, q.trace_id::text AS trace_id, coalesce(t.span_count, 0) AS spans FROM trace_seal_pending q
    LEFT JOIN traces t ON t.tenant_id = q.tenant_id AND t.trace_id = q.trace_id
    WHERE q.queued_at < ${cutoff} AND (t.trace_id IS NULL OR t.updated_at < ${cutoff})
    ORDER BY q.queued_at
    LIMIT ${limit}`;
}

/** The traces' keys as unnest's arrays, with each one's time range (traceRange) and the range of them all. */
function keyArrays(traces: readonly { tenant_id: string; trace_id: string; start: Date; end: Date }[]) {
  const ranges = traces.map((t) => traceRange({ start: t.start.toISOString(), end: t.end.toISOString() }));
  return {
    tenants: traces.map((t) => t.tenant_id),
    ids: traces.map((t) => t.trace_id),
    // As ISO 8601 texts: postgres.js sends a Date[] in a form timestamptz[] does not read.
    froms: ranges.map((r) => r.from.toISOString()),
    tos: ranges.map((r) => r.to.toISOString()),
    // As literal bounds too, so Postgres prunes the day partitions when it plans.
    from: new Date(Math.min(...ranges.map((r) => r.from.getTime()))),
    to: new Date(Math.max(...ranges.map((r) => r.to.getTime()))),
  };
}

/**
 * The join and WHERE that keep, of `spans s` or `span_segments g`, the rows of the traces `k`
 * (each within its own range, as spanWhere bounds one trace).
 */
function ofTraces(tx: TransactionSql, alias: "s" | "g", k: ReturnType<typeof keyArrays>) {
  const t = tx(alias);
  return tx`
    JOIN unnest(${k.tenants}::text[], ${k.ids}::uuid[], ${k.froms}::text[]::timestamptz[], ${k.tos}::text[]::timestamptz[]) AS d(tenant_id, trace_id, lo, hi)
      ON ${t}.tenant_id = d.tenant_id AND ${t}.trace_id = d.trace_id AND ${t}.start_time >= d.lo AND ${t}.start_time <= d.hi
    WHERE ${t}.start_time >= ${k.from} AND ${t}.start_time <= ${k.to}`;
}

async function sealBatch(tx: TransactionSql, batch: readonly Due[], cutoff: Date, options: SealOptions, result: SealResult): Promise<void> {
  // Ingest's locks on the traces, taken in ingest's order (ascending), then their summaries' rows:
  // a request storing spans of these traces, tail sampling deciding them and the purge deleting
  // them all wait, and what was due is checked again. Statements address rows by key: plans that
  // read a whole young, unanalysed day partition are off, as in ingest.
  const locks = traceLockKeys(batch.map((d) => d.trace_id));
  const tenants = batch.map((d) => d.tenant_id);
  const ids = batch.map((d) => d.trace_id);
  const [, , summaries] = await Promise.all([
    tx`SELECT set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`,
    tx`SELECT pg_advisory_xact_lock(k) FROM unnest(${locks}::bigint[]) AS k`,
    tx<Summary[]>`
      SELECT t.tenant_id, t.trace_id::text AS trace_id, t.start_time AS start, t.end_time AS "end", t.updated_at < ${cutoff} AS quiet,
             EXISTS (SELECT 1 FROM trace_sampling_pending p WHERE p.tenant_id = t.tenant_id AND p.trace_id = t.trace_id) AS undecided
      FROM traces t JOIN unnest(${tenants}::text[], ${ids}::uuid[]) AS d(tenant_id, trace_id) ON t.tenant_id = d.tenant_id AND t.trace_id = d.trace_id
      ORDER BY t.tenant_id, t.trace_id
      FOR UPDATE OF t`,
  ]);
  const summary = new Map(summaries.map((s) => [key(s.tenant_id, s.trace_id), s]));
  // A trace that got a span since it was picked keeps its entry for the next run. The others' entries go with
  // this transaction: with the trace sealed, or back if anything fails. A trace gone (dropped, purged) or not
  // decided yet (tail sampling queues it again if it keeps it) has nothing to seal now.
  const done = batch.filter((d) => summary.get(key(d.tenant_id, d.trace_id))?.quiet !== false);
  if (done.length > 0) {
    await tx`
      DELETE FROM trace_seal_pending q USING unnest(${done.map((d) => d.tenant_id)}::text[], ${done.map((d) => d.trace_id)}::uuid[]) AS d(tenant_id, trace_id)
      WHERE q.tenant_id = d.tenant_id AND q.trace_id = d.trace_id`;
  }
  const sealable = summaries.filter((s) => s.quiet && !s.undecided);
  if (sealable.length === 0) return;
  const k = keyArrays(sealable);
  const [rows, segments] = await Promise.all([
    tx<(SegmentSpan & { tenantId: string; traceId: string })[]>`
      SELECT s.tenant_id AS "tenantId", s.trace_id::text AS "traceId", ${tx.unsafe(SEGMENT_SPAN_SELECT)}
      FROM spans s ${ofTraces(tx, "s", k)}
      ORDER BY s.tenant_id, s.trace_id, s.start_time, s.span_id
      FOR UPDATE OF s`,
    tx<{ tenant_id: string; trace_id: string; seq: number }[]>`
      SELECT g.tenant_id, g.trace_id::text AS trace_id, g.seq
      FROM span_segments g ${ofTraces(tx, "g", k)}
      ORDER BY g.tenant_id, g.trace_id, g.seq`,
  ]);
  const traces = new Map<string, SealingTrace & { spans: SegmentSpan[]; lastSeq: number }>();
  for (const { tenantId, traceId, ...span } of rows) {
    const id = key(tenantId, traceId);
    let trace = traces.get(id);
    if (!trace) traces.set(id, (trace = { tenantId, traceUuid: traceId, spans: [], lastSeq: 0 }));
    trace.spans.push(span);
  }
  if (traces.size === 0) return;
  const seqs = new Map<string, number[]>();
  for (const g of segments) {
    const id = key(g.tenant_id, g.trace_id);
    seqs.set(id, [...(seqs.get(id) ?? []), g.seq]);
  }
  const sealing = [...traces.values()];
  const max = options.maxSegmentSpans ?? MAX_SEGMENT_SPANS;
  const inserts: Promise<unknown>[] = [];
  for (const trace of sealing) {
    const existing = seqs.get(key(trace.tenantId, trace.traceUuid)) ?? [];
    if (existing.length > 0) {
      result.rewritten += await withoutShadowed(tx, trace, existing, new Set(trace.spans.map((s) => spanKey(s.spanId, s.startUs))));
      trace.lastSeq = existing.at(-1)!;
    }
    let seq = trace.lastSeq;
    // Queued together: one round trip for the batch's segments.
    for (let i = 0; i < trace.spans.length; i += max) inserts.push(insertSegment(tx, trace, ++seq, trace.spans.slice(i, i + max)));
  }
  await Promise.all(inserts);
  result.segments += inserts.length;
  await verifySealed(tx, sealing, k, max);
  await writeInvestigateRefs(tx, sealing);
  await options.beforeDelete?.(tx);
  const all = sealing.flatMap((t) => t.spans.map((s) => ({ t, s })));
  const deleted = await tx`
    DELETE FROM spans s
    USING unnest(${all.map(({ t }) => t.tenantId)}::text[], ${all.map(({ t }) => t.traceUuid)}::uuid[],
                 ${all.map(({ s }) => s.spanId.toString())}::int8[], ${all.map(({ s }) => isoMicros(s.startUs))}::text[]::timestamptz[])
      AS k(tenant_id, trace_id, span_id, start_time)
    WHERE s.tenant_id = k.tenant_id AND s.trace_id = k.trace_id AND s.span_id = k.span_id AND s.start_time = k.start_time
      AND s.start_time >= ${k.from} AND s.start_time <= ${k.to}`;
  if (deleted.count !== all.length) throw new Error(`Sealing ${sealing.length} traces: deleted ${deleted.count} of their ${all.length} span rows.`);
  result.traces += sealing.length;
  result.spans += all.length;
}

async function insertSegment(tx: TransactionSql, trace: SealingTrace, seq: number, spans: SegmentSpan[]): Promise<void> {
  const segment = encodeSegment({ tenantId: trace.tenantId, traceId: trace.traceUuid, spans });
  let start = spans[0]!.startUs;
  let endNs = 0n;
  for (const s of spans) {
    if (s.startUs < start) start = s.startUs;
    const end = s.startUs * 1000n + BigInt(s.startSubUsNs) + s.durationNs;
    if (end > endNs) endNs = end;
  }
  await tx`
    INSERT INTO span_segments (tenant_id, trace_id, seq, start_time, end_time, span_count, segment)
    VALUES (${trace.tenantId}, ${trace.traceUuid}::uuid, ${seq}, ${isoMicros(start)}::text::timestamptz, ${isoMicros(endNs / 1000n)}::text::timestamptz,
            ${spans.length}, ${Buffer.from(segment)})`;
}

/**
 * Drops from the trace's segments `seqs` the spans these rows replace (a span sent again after its
 * trace was sealed: the row wins), so segments never overlap. Rare, so each segment's keys are
 * decoded without its JSON columns, and only a segment that holds such a span is rewritten.
 * Returns how many were rewritten.
 */
async function withoutShadowed(tx: TransactionSql, trace: SealingTrace, seqs: readonly number[], rows: ReadonlySet<string>): Promise<number> {
  let rewritten = 0;
  for (const seq of seqs) {
    const at = tx`g.tenant_id = ${trace.tenantId} AND g.trace_id = ${trace.traceUuid}::uuid AND g.seq = ${seq}`;
    const [row] = await tx<{ segment: Uint8Array }[]>`SELECT g.segment FROM span_segments g WHERE ${at}`;
    const c = decodeColumns(row!.segment, { json: false });
    let shadowed = false;
    for (let i = 0; i < c.count && !shadowed; i++) shadowed = rows.has(spanKey(c.spanId[i]!, c.startUs[i]!));
    if (!shadowed) continue;
    const kept = decodeSegment(row!.segment).spans.filter((s) => !rows.has(spanKey(s.spanId, s.startUs)));
    await tx`DELETE FROM span_segments g WHERE ${at}`;
    if (kept.length > 0) await insertSegment(tx, trace, seq, kept);
    rewritten++;
  }
  return rewritten;
}

/**
 * The new segments, decoded as a reader will decode them, hold exactly the rows about to be
 * deleted, column for column as Postgres compares them: otherwise the transaction fails and
 * the rows stay. Compared `max` spans at a time, the most a segment holds.
 */
async function verifySealed(
  tx: TransactionSql,
  traces: readonly (SealingTrace & { lastSeq: number })[],
  range: { from: Date; to: Date },
  max: number,
): Promise<void> {
  const k = {
    tenants: traces.map((t) => t.tenantId),
    ids: traces.map((t) => t.traceUuid),
    after: traces.map((t) => t.lastSeq),
  };
  const written = await tx<{ tenant_id: string; trace_id: string; seq: number; segment: Uint8Array }[]>`
    SELECT g.tenant_id, g.trace_id::text AS trace_id, g.seq, g.segment FROM span_segments g
    JOIN unnest(${k.tenants}::text[], ${k.ids}::uuid[], ${k.after}::int[]) AS d(tenant_id, trace_id, after)
      ON g.tenant_id = d.tenant_id AND g.trace_id = d.trace_id AND g.seq > d.after
    WHERE g.start_time >= ${range.from} AND g.start_time <= ${range.to}
    ORDER BY g.tenant_id, g.trace_id, g.seq`;
  const counted = new Map<string, number>();
  let pending: SealingTrace[] = [];
  let held = 0;
  const compare = async () => {
    if (held === 0) return;
    const columns = tx.unsafe(SPAN_COLUMN_NAMES.map((c) => `s.${c}`).join(", "));
    const decoded = tx.unsafe(SPAN_COLUMN_NAMES.map((c) => `x.${c}`).join(", "));
    const [differing] = await tx<{ n: number }[]>`
      SELECT count(*)::int AS n FROM ${tracesRecordset(tx, pending)} x
      LEFT JOIN spans s ON s.tenant_id = x.tenant_id AND s.trace_id = x.trace_id AND s.span_id = x.span_id AND s.start_time = x.start_time
        AND s.start_time >= ${range.from} AND s.start_time <= ${range.to}
      WHERE s.span_id IS NULL OR (${columns}) IS DISTINCT FROM (${decoded})`;
    if (differing!.n !== 0) throw new Error(`Sealing ${traces.length} traces: ${differing!.n} decoded spans differ from their rows.`);
    pending = [];
    held = 0;
  };
  for (const g of written) {
    const { spans } = segmentOf(decodeSegment(g.segment), g.tenant_id, g.trace_id, g.seq);
    counted.set(key(g.tenant_id, g.trace_id), (counted.get(key(g.tenant_id, g.trace_id)) ?? 0) + spans.length);
    if (held + spans.length > max) await compare();
    pending.push({ tenantId: g.tenant_id, traceUuid: g.trace_id, spans });
    held += spans.length;
  }
  await compare();
  for (const t of traces) {
    const n = counted.get(key(t.tenantId, t.traceUuid)) ?? 0;
    if (n !== t.spans.length) throw new Error(`Sealing trace ${t.traceUuid}: the segments hold ${n} of its ${t.spans.length} span rows.`);
  }
}
