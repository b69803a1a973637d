import "server-only";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import { checkedTraceIdUuid, uuidToTraceId } from "@/db/span-codec/ids";
import { decodeColumns, decodeSegment, segmentOf, type SegmentColumns } from "@/lib/traces/segments/decode";
import type { JsonColumn, SegmentSpan } from "@/lib/traces/segments/format";
import { spanKey, spanRecord, SPAN_RECORD_COLUMNS } from "./columns";

/**
 * Where a trace's spans are: rows of `spans`, and segments of `span_segments` once sealed
 * (docs/sealed-traces.md). Whole-trace readers read both through here, never `spans` alone.
 */

/** A trace as its summary bounds it: tenant, 32-hex id, and its first start and last end (ISO 8601, µs). */
export interface TraceBounds {
  tenantId: string;
  traceId: string;
  start: string;
  end: string;
}

/** A trace's bounds from its tenant, its id as the `trace_id` uuid spells it, and its first start and last end. */
export function boundsOf(tenantId: string, traceUuid: string, start: Date, end: Date): TraceBounds {
  return { tenantId, traceId: uuidToTraceId(traceUuid), start: start.toISOString(), end: end.toISOString() };
}

/** A trace's rows as a source: what every reader reads first. */
export type RowsSource = { sealed: false; sql: PendingQuery<Row[]> };

/**
 * Some of a trace's spans: its rows, as SQL, or one sealed segment's, decoded. Either gives a
 * SQL row source with the columns of `spans` for a reader's `FROM ${sourceSql(source)} s`.
 */
export type SpanSource =
  | RowsSource
  | {
      sealed: true;
      /** The segment's spans, as readers that build their answer in Node take them. */
      spans: SegmentSpan[];
      tenantId: string;
      traceUuid: string;
    };

/** What of a sealed source a reader's SQL needs: never less than its own WHERE and SELECT read. */
export interface SourceNeeds {
  /** Spans it may want; it may keep more than the reader's WHERE, never fewer. */
  keep?: (span: SegmentSpan) => boolean;
  /** The only attributes it reads (events and links it then reads not at all). */
  attributes?: readonly string[];
}

/** The attributes among `keys`, as a reader trims what it hands Postgres. */
export function only(attributes: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (Object.hasOwn(attributes, k)) out[k] = attributes[k];
  return out;
}

/**
 * The source as SQL. A sealed source's spans go to Postgres as JSON, which it parses at some
 * 10 MB/s (a 10,000-span segment: over half a second), so a reader that wants few of them, or
 * little of each, says so (SourceNeeds).
 */
export function sourceSql(tx: TransactionSql, source: SpanSource, needs: SourceNeeds = {}): PendingQuery<Row[]> {
  if (!source.sealed) return source.sql;
  const { keep, attributes } = needs;
  let spans = keep ? source.spans.filter(keep) : source.spans;
  if (attributes) spans = spans.map((s) => ({ ...s, attributes: only(s.attributes, attributes), events: [], links: [] }));
  return segmentRecordset(tx, source.tenantId, source.traceUuid, spans);
}

/**
 * Rows of exactly this trace in `spans s` or `span_segments g` (a segment starts where one of
 * its spans does): its tenant, id and time range, which prunes the day partitions. The range
 * goes as timestamptz values, to the millisecond and widened outward (a trace's spans and
 * segments all start within it, so the id alone picks them): Postgres prunes by a value when
 * it plans, and locks only the partitions left. By `'…'::text::timestamptz`, a cast that
 * depends on the session's time zone, it pruned only when running, having locked every day's
 * partition: for a download's whole transaction, and retention's detach of an expired day
 * waited for it.
 */
function traceWhere(tx: TransactionSql, alias: "s" | "g", header: TraceBounds) {
  const { from, to } = traceRange(header);
  const t = tx(alias);
  return tx`${t}.tenant_id = ${header.tenantId} AND ${t}.trace_id = ${checkedTraceIdUuid(header.traceId)}::uuid
    AND ${t}.start_time >= ${from} AND ${t}.start_time <= ${to}`;
}

/** The range every span and segment of the trace starts in, as traceWhere bounds it. */
export function traceRange(header: Pick<TraceBounds, "start" | "end">): { from: Date; to: Date } {
  return { from: new Date(Math.floor(Date.parse(header.start))), to: new Date(Math.floor(Date.parse(header.end)) + 1) };
}

/** Rows of exactly this trace in `spans s`. */
export function spanWhere(tx: TransactionSql, header: TraceBounds) {
  return traceWhere(tx, "s", header);
}

/** The trace's segments in `span_segments g`, found as its rows are. */
function segmentWhere(tx: TransactionSql, header: TraceBounds) {
  return traceWhere(tx, "g", header);
}

/** Decoded spans as a row source with `spans`' columns: Postgres writes their JSON as it would the rows'. */
export function segmentRecordset(tx: TransactionSql, tenantId: string, traceUuid: string, spans: SegmentSpan[]) {
  return tracesRecordset(tx, [{ tenantId, traceUuid, spans }]);
}

/** segmentRecordset of the spans of several traces at once. */
export function tracesRecordset(tx: TransactionSql, traces: readonly { tenantId: string; traceUuid: string; spans: readonly SegmentSpan[] }[]) {
  const records = JSON.stringify(traces.flatMap((t) => t.spans.map((s) => spanRecord(t.tenantId, t.traceUuid, s))));
  return tx`(SELECT * FROM jsonb_to_recordset((${records}::text)::jsonb) AS x(${tx.unsafe(SPAN_RECORD_COLUMNS)}))`;
}

/** Whether a segment whose earliest span starts at `startUs` (epoch µs) need not be read. */
export type SkipSegment = (startUs: bigint) => boolean;

/**
 * The trace's rows, then each of its segments decoded by `decode` and made a source by
 * `source` with the keys of the spans a row shadows (a span sent again after sealing is a row,
 * and the row wins), one segment at a time (a segment holds at most MAX_SEGMENT_SPANS).
 * Segments never overlap each other (the sealer rewrites an older one a later seal shadows),
 * so only the rows' keys are kept, and only when the trace has segments: for an unsealed trace
 * this is the one query it always was. `source` returns null for a segment left with no spans.
 * `skip`, asked before each segment is fetched (after the reader has taken the sources before
 * it), passes over a segment by its first span's start: a reader that wants the trace's first
 * spans by (start, span id) and has them need not read a segment starting later.
 */
async function* rowsThenSegments<D extends { tenantId: string; traceId: string }, S>(
  tx: TransactionSql,
  header: TraceBounds,
  decode: (segment: Uint8Array) => D,
  source: (segment: { decoded: D; bytes: Uint8Array; shadowed: ReadonlySet<string>; traceUuid: string }) => S | null,
  skip: SkipSegment = () => false,
): AsyncGenerator<RowsSource | S> {
  const segments = await tx<{ seq: number; us: string }[]>`
    SELECT g.seq, (extract(epoch FROM g.start_time) * 1000000)::bigint::text AS us FROM span_segments g WHERE ${segmentWhere(tx, header)} ORDER BY g.seq`;
  yield { sql: tx`(SELECT * FROM spans s WHERE ${spanWhere(tx, header)})`, sealed: false };
  if (segments.length === 0) return;
  const rows = await tx<{ id: string; us: string }[]>`
    SELECT s.span_id::text AS id, (extract(epoch FROM s.start_time) * 1000000)::bigint::text AS us FROM spans s WHERE ${spanWhere(tx, header)}`;
  const shadowed = new Set(rows.map((r) => spanKey(r.id, r.us)));
  const traceUuid = checkedTraceIdUuid(header.traceId);
  for (const { seq, us } of segments) {
    if (skip(BigInt(us))) continue;
    const [row] = await tx<{ segment: Uint8Array }[]>`SELECT g.segment FROM span_segments g WHERE ${segmentWhere(tx, header)} AND g.seq = ${seq}`;
    // Purged since the list was read: each statement sees what is committed when it starts.
    if (!row) continue;
    const decoded = segmentOf(decode(row.segment), header.tenantId, traceUuid, seq);
    const made = source({ decoded, bytes: row.segment, shadowed, traceUuid });
    if (made !== null) yield made;
  }
}

/** The trace's spans as row sources: its rows first, then each segment's spans no row shadows (rowsThenSegments). */
export function traceSpanSources(tx: TransactionSql, header: TraceBounds): AsyncGenerator<SpanSource> {
  return rowsThenSegments(tx, header, decodeSegment, ({ decoded, shadowed, traceUuid }) => {
    const spans = shadowed.size === 0 ? decoded.spans : decoded.spans.filter((s) => !shadowed.has(spanKey(s.spanId, s.startUs)));
    return spans.length > 0 ? { sealed: true, spans, tenantId: header.tenantId, traceUuid } : null;
  });
}

/**
 * A sealed segment as columns (decodeColumns with only the JSON columns `J` a reader reads:
 * the attributes are most of a segment's decoding), for readers that build their answer from
 * arrays in Node: the binary span stream, span detail, find, the lineage link.
 */
export interface SegmentColumnsSource<J extends JsonColumn> {
  sealed: true;
  columns: SegmentColumns & { json: Pick<Record<JsonColumn, unknown[]>, J> };
  /** The rows of `columns` no row of `spans` shadows, in order; null when none is shadowed. */
  kept: Uint32Array | null;
  /** The same spans decoded whole as a SpanSource, for what only a reader's SQL spells. */
  spans: () => SpanSource & { sealed: true };
}

/** The rows of a column source that are its spans (those no row shadows), in order. */
export function keptRows(source: { columns: SegmentColumns; kept: Uint32Array | null }): ArrayLike<number> {
  if (source.kept) return source.kept;
  const all = new Uint32Array(source.columns.count);
  for (let i = 0; i < all.length; i++) all[i] = i;
  return all;
}

/** The trace's spans as traceSpanSources gives them, its segments as columns with the JSON columns `json`: its rows first, then each segment's spans no row shadows. */
export function traceSpanColumnSources<J extends JsonColumn>(
  tx: TransactionSql,
  header: TraceBounds,
  json: readonly J[],
  skip?: SkipSegment,
): AsyncGenerator<RowsSource | SegmentColumnsSource<J>> {
  const decode = (segment: Uint8Array) => decodeColumns(segment, { json }) as SegmentColumnsSource<J>["columns"];
  return rowsThenSegments(tx, header, decode, ({ decoded: columns, bytes, shadowed, traceUuid }) => {
    let kept: Uint32Array | null = null;
    if (shadowed.size > 0) {
      const rows: number[] = [];
      for (let i = 0; i < columns.count; i++) if (!shadowed.has(spanKey(columns.spanId[i]!, columns.startUs[i]!))) rows.push(i);
      if (rows.length < columns.count) kept = Uint32Array.from(rows);
    }
    if ((kept ? kept.length : columns.count) === 0) return null;
    const spans = () => {
      const all = decodeSegment(bytes).spans;
      return { sealed: true as const, spans: kept ? Array.from(kept, (i) => all[i]!) : all, tenantId: header.tenantId, traceUuid };
    };
    return { sealed: true, columns, kept, spans };
  }, skip);
}
