import "server-only";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import type { SegmentSpan } from "@/lib/traces/segments/format";
import { SPAN_COLUMN_NAMES } from "@/lib/traces/span-store/columns";
import { boundsOf, only, segmentRecordset, traceSpanSources } from "@/lib/traces/span-store/read";
import { tenantCondition, type TenantFilter } from "./tenant-filter";

/**
 * The per-trace halves of the investigate views on sealed traces (docs/sealed-traces.md): their
 * SQL over a trace's spans reads, for a trace with segments, its rows and the sealed spans it
 * may want as one source, so it writes for a sealed span what it wrote for the row.
 */

/** A trace a view reads: its first start and its end (rounded up to the millisecond), as the summary bounds it. */
export interface WantedTrace {
  tenant_id: string;
  trace_id: string;
  from: Date;
  to: Date;
  /** It has segments (lib/traces/segments/has-segments.ts, asked by the window query). */
  sealed: boolean;
}

/** The row of span `alias` of sealed_span_refs, if one repeats it (and so replaces the sealed copy). */
export function rowOf(tx: TransactionSql, alias: string) {
  const r = tx(alias);
  return tx`SELECT 1 FROM spans x WHERE x.tenant_id = ${r}.tenant_id AND x.trace_id = ${r}.trace_id AND x.span_id = ${r}.span_id AND x.start_time = ${r}.start_time`;
}

/** What a view reads of a trace's sealed spans. */
export interface SealedPick {
  /** Spans it may want: never fewer than its own WHERE keeps. */
  keep?: (span: SegmentSpan) => boolean;
  /** It reads only its first `first` spans by (start, span id). */
  first?: number;
  /** The only attributes it reads. */
  attributes: readonly string[];
  /** Whether it reads links (events it never reads). */
  links?: boolean;
}

const byStart = (a: SegmentSpan, b: SegmentSpan) => (a.startUs < b.startUs ? -1 : a.startUs > b.startUs ? 1 : a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0);

/**
 * The trace's rows and the sealed spans `pick` keeps, as one row source with `spans`' columns
 * (for `FROM ${source.sql} s`). A view reading only the first N spans gets only the first N sealed
 * ones: the first N of the union are among them and the rows. Decoded one segment at a time.
 */
async function traceWithSealed(tx: TransactionSql, trace: WantedTrace, pick: SealedPick): Promise<{ sql: PendingQuery<Row[]> }> {
  const columns = tx.unsafe(SPAN_COLUMN_NAMES.join(", "));
  let rows: PendingQuery<Row[]> | null = null;
  let sealed: SegmentSpan[] = [];
  for await (const source of traceSpanSources(tx, boundsOf(trace.tenant_id, trace.trace_id, trace.from, trace.to))) {
    if (!source.sealed) {
      rows = source.sql;
      continue;
    }
    sealed.push(...(pick.keep ? source.spans.filter(pick.keep) : source.spans));
    if (pick.first !== undefined && sealed.length > pick.first) sealed = sealed.sort(byStart).slice(0, pick.first);
  }
  const trimmed = sealed.map((s) => ({ ...s, attributes: only(s.attributes, pick.attributes), events: [], links: pick.links ? s.links : [] }));
  // Wrapped: a pending query is a thenable, which an async function's return would run.
  return { sql: tx`(SELECT ${columns} FROM ${rows!} s UNION ALL SELECT ${columns} FROM ${segmentRecordset(tx, trace.tenant_id, trace.trace_id, trimmed)} s)` };
}

/**
 * A view's per-trace rows (`rows`, each with its trace's index in `wanted`), with those of every
 * trace that has segments read again by `read` (the view's own SQL) from its rows and the
 * sealed spans `pick` keeps, in `wanted`'s order (a trace's own rows in the order read gives).
 */
export async function withSealedSpans<W extends WantedTrace, R extends { idx: number }>(
  tx: TransactionSql,
  wanted: readonly W[],
  rows: R[],
  pick: (trace: W) => SealedPick,
  read: (one: W[], from: PendingQuery<Row[]>) => Promise<R[]>,
): Promise<R[]> {
  let out = rows;
  for (const [idx, trace] of wanted.entries()) {
    if (!trace.sealed) continue;
    const source = await traceWithSealed(tx, trace, pick(trace));
    const own = await read([trace], source.sql);
    out = [...out.filter((r) => r.idx !== idx), ...own.map((r) => ({ ...r, idx }))];
  }
  return out.sort((a, b) => a.idx - b.idx);
}

/**
 * The first `cap` + 1 spans of each trace of `wanted` (by start, then span id) in `from`
 * (`spans`, or one trace's rows and sealed spans), as `columns` (of span `s` and its trace `g`)
 * with the trace's index in `wanted`: the capped whole-trace read of slow requests and lineage.
 */
export function firstSpans<R extends Row>(
  tx: TransactionSql,
  tenants: TenantFilter,
  wanted: readonly WantedTrace[],
  from: PendingQuery<Row[]>,
  columns: PendingQuery<Row[]>,
  cap: number,
) {
  return tx<R[]>`
    SELECT g.idx, s.*
    FROM jsonb_to_recordset((${JSON.stringify(wanted.map((w, idx) => ({ ...w, idx })))}::text)::jsonb)
         AS g(idx int, tenant_id text, trace_id uuid, "from" timestamptz, "to" timestamptz)
    CROSS JOIN LATERAL (
      SELECT ${columns}
      FROM ${from} s
      WHERE s.tenant_id = g.tenant_id AND s.trace_id = g.trace_id AND s.start_time >= g."from" AND s.start_time <= g."to"
        AND ${tenantCondition(tx, "s.tenant_id", tenants)}
      ORDER BY s.start_time, s.span_id
      LIMIT ${cap + 1}
    ) s
    ORDER BY g.idx`;
}
