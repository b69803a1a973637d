import "server-only";
import type { TransactionSql } from "postgres";
import { connect, type Sql } from "@/db/connect";
import { lockKey } from "@/lib/ingest/traces/store";
import { decodeColumns, decodeSegment } from "@/lib/traces/segments/decode";
import { encodeSegment } from "@/lib/traces/segments/encode";
import type { SegmentSpan } from "@/lib/traces/segments/format";
import { isoMicros, SEGMENT_SPAN_SELECT, spanKey, SPAN_COLUMN_NAMES } from "./columns";
import { writeInvestigateRefs } from "./investigate-refs";
import { boundsOf, segmentRecordset, spanWhere, type TraceBounds } from "./read";

/**
 * The sealer (issue 22, docs/sealed-traces.md): a trace queued in `trace_seal_pending`, quiet
 * for `quietMinutes` and decided by tail sampling, has its span rows written as segments and deleted,
 * in one transaction per trace, so a crash anywhere leaves the trace as rows or as segments,
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
  /** Runs inside each trace's transaction after its segments are written, before its rows are deleted (tests). */
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
}

const DEFAULT_MAX_TRACES = 1_000;

/** Seals due traces; null when another sealer holds the lock. */
export async function sealTraces(url: string, options: SealOptions): Promise<SealResult | null> {
  // A connection of the run's own, as the retention run has: the lock lives exactly as long as it.
  const conn = connect(url, { max: 1, applicationName: "trace-explorer-sealer" });
  try {
    // Saves a second sealer the work; correctness does not rest on it: each trace's transaction
    // takes the trace's own lock and re-reads it, so a sealer whose session was replaced (losing
    // this lock) still never seals a span twice.
    const [lock] = await conn<{ ok: boolean }[]>`SELECT pg_try_advisory_lock(${SEAL_LOCK_KEY}) AS ok`;
    if (lock?.ok !== true) return null;
    const result: SealResult = { traces: 0, spans: 0, segments: 0, rewritten: 0, failed: [] };
    const cutoff = new Date(options.now.getTime() - options.quietMinutes * 60_000);
    for (const trace of await dueTraces(conn, cutoff, options.maxTraces ?? DEFAULT_MAX_TRACES)) {
      // Counted only once committed: a trace whose transaction fails adds nothing.
      const counts: SealResult = { traces: 0, spans: 0, segments: 0, rewritten: 0, failed: [] };
      try {
        await conn.begin((tx) => sealTrace(tx, trace, cutoff, options, counts));
      } catch (cause) {
        result.failed.push({ tenantId: trace.tenant_id, traceId: trace.trace_id, error: cause instanceof Error ? cause.message : String(cause) });
        continue;
      }
      result.traces += counts.traces;
      result.spans += counts.spans;
      result.segments += counts.segments;
      result.rewritten += counts.rewritten;
    }
    return result;
  } finally {
    // Closing the session releases the lock.
    await conn.end({ timeout: 5 }).catch(() => {});
  }
}

/**
 * Queued traces quiet since the cutoff, or gone, the longest queued first. An entry is never
 * older than its trace's last write (both are stamped in the writing transaction), so the
 * queue's index skips every entry too young to be due and only what it returns is joined.
 */
function dueTraces(conn: Sql, cutoff: Date, limit: number): Promise<Due[]> {
  return conn<Due[]>`
    SELECT q.tenant_id, q.trace_id::text AS trace_id FROM trace_seal_pending q
    LEFT JOIN traces t ON t.tenant_id = q.tenant_id AND t.trace_id = q.trace_id
    WHERE q.queued_at < ${cutoff} AND (t.trace_id IS NULL OR t.updated_at < ${cutoff})
    ORDER BY q.queued_at
    LIMIT ${limit}`;
}

async function sealTrace(tx: TransactionSql, due: Due, cutoff: Date, options: SealOptions, result: SealResult): Promise<void> {
  // Ingest's lock on the trace, then its summary's row: a request storing spans of this trace,
  // tail sampling deciding it and the purge deleting it all wait, and what was due is checked again.
  await tx`SELECT pg_advisory_xact_lock(${lockKey(due.trace_id).toString()}::bigint)`;
  const [summary] = await tx<{ start: Date; end: Date; quiet: boolean; undecided: boolean }[]>`
    SELECT t.start_time AS start, t.end_time AS "end", t.updated_at < ${cutoff} AS quiet,
           EXISTS (SELECT 1 FROM trace_sampling_pending p WHERE p.tenant_id = t.tenant_id AND p.trace_id = t.trace_id) AS undecided
    FROM traces t WHERE t.tenant_id = ${due.tenant_id} AND t.trace_id = ${due.trace_id}::uuid
    FOR UPDATE OF t`;
  // A span came since it was picked: the entry waits for the next run.
  if (summary && !summary.quiet) return;
  // The entry goes with this transaction: with the trace sealed, or back if anything fails. A
  // trace gone (dropped, purged) or not decided yet (tail sampling queues it again if it keeps it) has nothing to seal now.
  await tx`DELETE FROM trace_seal_pending q WHERE q.tenant_id = ${due.tenant_id} AND q.trace_id = ${due.trace_id}::uuid`;
  if (!summary || summary.undecided) return;
  const trace = boundsOf(due.tenant_id, due.trace_id, summary.start, summary.end);
  const where = spanWhere(tx, trace);
  const spans = await tx<SegmentSpan[]>`
    SELECT ${tx.unsafe(SEGMENT_SPAN_SELECT)} FROM spans s WHERE ${where} ORDER BY s.start_time, s.span_id FOR UPDATE`;
  if (spans.length === 0) return;
  // Ingest's lookups of stored spans read this trace's segments from now on (ingest/traces/sealed-spans.ts).
  await tx`UPDATE traces t SET sealed = true WHERE t.tenant_id = ${due.tenant_id} AND t.trace_id = ${due.trace_id}::uuid AND NOT t.sealed`;
  const keys = new Set(spans.map((s) => spanKey(s.spanId, s.startUs)));
  const { lastSeq, rewritten } = await withoutShadowed(tx, due, keys);
  result.rewritten += rewritten;
  const max = options.maxSegmentSpans ?? MAX_SEGMENT_SPANS;
  let seq = lastSeq;
  for (let i = 0; i < spans.length; i += max) {
    await insertSegment(tx, due, ++seq, spans.slice(i, i + max));
    result.segments++;
  }
  await verifySealed(tx, due, trace, lastSeq, spans.length);
  await writeInvestigateRefs(tx, due.tenant_id, due.trace_id, spans);
  await options.beforeDelete?.(tx);
  const deleted = await tx`
    DELETE FROM spans s USING unnest(${spans.map((s) => s.spanId.toString())}::int8[], ${spans.map((s) => isoMicros(s.startUs))}::text[]::timestamptz[]) AS k(span_id, start_time)
    WHERE ${where} AND s.span_id = k.span_id AND s.start_time = k.start_time`;
  if (deleted.count !== spans.length) throw new Error(`Sealing trace ${due.trace_id}: deleted ${deleted.count} of its ${spans.length} span rows.`);
  result.traces++;
  result.spans += spans.length;
}

async function insertSegment(tx: TransactionSql, due: Due, seq: number, spans: SegmentSpan[]): Promise<void> {
  const segment = encodeSegment({ tenantId: due.tenant_id, traceId: due.trace_id, spans });
  let start = spans[0]!.startUs;
  let endNs = 0n;
  for (const s of spans) {
    if (s.startUs < start) start = s.startUs;
    const end = s.startUs * 1000n + BigInt(s.startSubUsNs) + s.durationNs;
    if (end > endNs) endNs = end;
  }
  await tx`
    INSERT INTO span_segments (tenant_id, trace_id, seq, start_time, end_time, span_count, segment)
    VALUES (${due.tenant_id}, ${due.trace_id}::uuid, ${seq}, ${isoMicros(start)}::text::timestamptz, ${isoMicros(endNs / 1000n)}::text::timestamptz,
            ${spans.length}, ${Buffer.from(segment)})`;
}

/**
 * Drops from the trace's segments the spans these rows replace (a span sent again after its
 * trace was sealed: the row wins), so segments never overlap. Rare, so each segment's keys are
 * decoded without its JSON columns, and only a segment that holds such a span is rewritten.
 */
async function withoutShadowed(tx: TransactionSql, due: Due, rows: ReadonlySet<string>): Promise<{ lastSeq: number; rewritten: number }> {
  const segments = await tx<{ seq: number }[]>`
    SELECT g.seq FROM span_segments g WHERE g.tenant_id = ${due.tenant_id} AND g.trace_id = ${due.trace_id}::uuid ORDER BY g.seq`;
  let rewritten = 0;
  for (const { seq } of segments) {
    const at = tx`g.tenant_id = ${due.tenant_id} AND g.trace_id = ${due.trace_id}::uuid AND g.seq = ${seq}`;
    const [row] = await tx<{ segment: Uint8Array }[]>`SELECT g.segment FROM span_segments g WHERE ${at}`;
    const c = decodeColumns(row!.segment, { json: false });
    let shadowed = false;
    for (let i = 0; i < c.count && !shadowed; i++) shadowed = rows.has(spanKey(c.spanId[i]!, c.startUs[i]!));
    if (!shadowed) continue;
    const kept = decodeSegment(row!.segment).spans.filter((s) => !rows.has(spanKey(s.spanId, s.startUs)));
    await tx`DELETE FROM span_segments g WHERE ${at}`;
    if (kept.length > 0) await insertSegment(tx, due, seq, kept);
    rewritten++;
  }
  return { lastSeq: segments.at(-1)?.seq ?? 0, rewritten };
}

/**
 * The new segments, decoded as a reader will decode them, hold exactly the rows about to be
 * deleted, column for column as Postgres compares them: otherwise the transaction fails and
 * the rows stay.
 */
async function verifySealed(tx: TransactionSql, due: Due, trace: TraceBounds, after: number, count: number): Promise<void> {
  const written = await tx<{ segment: Uint8Array }[]>`
    SELECT g.segment FROM span_segments g
    WHERE g.tenant_id = ${due.tenant_id} AND g.trace_id = ${due.trace_id}::uuid AND g.seq > ${after} ORDER BY g.seq`;
  const columns = tx.unsafe(SPAN_COLUMN_NAMES.map((c) => `s.${c}`).join(", "));
  const decoded = tx.unsafe(SPAN_COLUMN_NAMES.map((c) => `x.${c}`).join(", "));
  let spans = 0;
  for (const { segment } of written) {
    const { spans: sealed } = decodeSegment(segment);
    spans += sealed.length;
    const [differing] = await tx<{ n: number }[]>`
      SELECT count(*)::int AS n FROM ${segmentRecordset(tx, due.tenant_id, due.trace_id, sealed)} x
      LEFT JOIN spans s ON s.tenant_id = x.tenant_id AND ${spanWhere(tx, trace)} AND s.span_id = x.span_id AND s.start_time = x.start_time
      WHERE s.span_id IS NULL OR (${columns}) IS DISTINCT FROM (${decoded})`;
    if (differing!.n !== 0) throw new Error(`Sealing trace ${due.trace_id}: ${differing!.n} decoded spans differ from their rows.`);
  }
  if (spans !== count) throw new Error(`Sealing trace ${due.trace_id}: the segments hold ${spans} of its ${count} span rows.`);
}
