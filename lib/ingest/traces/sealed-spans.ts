import "server-only";
import type { TransactionSql } from "postgres";
import { decodeColumns, decodeSegment, segmentOf, type SegmentColumns } from "@/lib/traces/segments/decode";
import type { SegmentSpan } from "@/lib/traces/segments/format";
import { segmentInTrace } from "@/lib/traces/segments/has-segments";
import { STORED_SPANS } from "./store-sql";
import { traceKey } from "./trace-weights";

/**
 * What ingest's lookups of stored spans (store.ts, the derivations' stored parents, children,
 * producers and consumers) find in the segments of the sealed traces a request joins
 * (docs/sealed-traces.md). Only a joined trace with segments (STORED_TRACES' `sealed`) is read here, so a request
 * for unsealed traces sends no query of this module. For a sealed one, per request:
 *  - one query listing its segments (seq and time range, no bytes);
 *  - a span key (id and start) looked up decodes only the segments whose range holds that start,
 *    without their JSON columns;
 *  - a lookup by span id or parent id (no time to go by) decodes each segment's columns once
 *    without JSON (at most ⌈spans / MAX_SEGMENT_SPANS⌉ segments), and with JSON only the segments
 *    holding a span found, then asks the rows, by exact key, which of the found they shadow.
 * Each segment is fetched and decoded at most once per request, whichever lookups want it.
 */

/** A stored span by its primary key: start in nanoseconds, to the microsecond as stored. */
export interface StoredSpanKey {
  tenantId: string;
  traceId: string;
  spanId: string;
  startNs: bigint;
}

/** A span by its id within its trace (the derivations' SpanKeys). */
export interface SpanRef {
  tenantId: string;
  traceId: string;
  spanId: string;
}

/** A segment span with its trace, as a lookup returns it. */
export interface FoundSpan {
  tenantId: string;
  traceId: string;
  span: SegmentSpan;
}

interface SegmentRange {
  seq: number;
  startUs: bigint;
  endUs: bigint;
}

/** The segments of one trace, pruned to the day partitions its summary spans. */
const SEGMENT_RANGES = `
  SELECT g.seq, (extract(epoch FROM g.start_time) * 1000000)::bigint::text AS start_us,
         (extract(epoch FROM g.end_time) * 1000000)::bigint::text AS end_us
  FROM traces t JOIN span_segments g ON g.tenant_id = t.tenant_id AND ${segmentInTrace("g", "t")}
  WHERE t.tenant_id = $1 AND t.trace_id = $2::uuid ORDER BY g.seq`;

const SEGMENT_BYTES = `
  SELECT g.segment FROM traces t JOIN span_segments g ON g.tenant_id = t.tenant_id AND ${segmentInTrace("g", "t")}
  WHERE t.tenant_id = $1 AND t.trace_id = $2::uuid AND g.seq = $3`;

const byTrace = <T extends { tenantId: string; traceId: string }>(items: readonly T[]) => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = traceKey(item.tenantId, item.traceId);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
};

export class SealedSpans {
  private readonly ranges = new Map<string, Promise<SegmentRange[]>>();
  private readonly bytes = new Map<string, Promise<Uint8Array | null>>();
  private readonly columns = new Map<string, SegmentColumns>();
  private readonly decoded = new Map<string, SegmentSpan[]>();

  /** `sealed`: the traceKeys of the joined traces that have segments. */
  constructor(
    private readonly tx: TransactionSql,
    private readonly sealed: ReadonlySet<string>,
  ) {}

  private isSealed(tenantId: string, traceId: string): boolean {
    return this.sealed.has(traceKey(tenantId, traceId));
  }

  private segments(tenantId: string, traceId: string): Promise<SegmentRange[]> {
    const key = traceKey(tenantId, traceId);
    let ranges = this.ranges.get(key);
    if (!ranges) {
      ranges = this.tx
        .unsafe<{ seq: number; start_us: string; end_us: string }[]>(SEGMENT_RANGES, [tenantId, traceId], { prepare: true })
        .then((rows) => rows.map((r) => ({ seq: r.seq, startUs: BigInt(r.start_us), endUs: BigInt(r.end_us) })));
      this.ranges.set(key, ranges);
    }
    return ranges;
  }

  /** Null when the segment is gone since it was listed: the purge deletes without the trace's lock (the sealer takes it). */
  private segmentBytes(tenantId: string, traceId: string, seq: number): Promise<Uint8Array | null> {
    const key = `${traceKey(tenantId, traceId)}/${seq}`;
    let bytes = this.bytes.get(key);
    if (!bytes) {
      bytes = this.tx.unsafe<{ segment: Uint8Array }[]>(SEGMENT_BYTES, [tenantId, traceId, seq], { prepare: true }).then(([row]) => row?.segment ?? null);
      this.bytes.set(key, bytes);
    }
    return bytes;
  }

  /** The segment's columns without JSON, decoded once per request. */
  private async idColumns(tenantId: string, traceId: string, seq: number): Promise<SegmentColumns | null> {
    const bytes = await this.segmentBytes(tenantId, traceId, seq);
    if (!bytes) return null;
    const key = `${traceKey(tenantId, traceId)}/${seq}`;
    let c = this.columns.get(key);
    if (!c) {
      c = segmentOf(decodeColumns(bytes, { json: false }), tenantId, traceId, seq);
      this.columns.set(key, c);
    }
    return c;
  }

  private async spans(tenantId: string, traceId: string, seq: number): Promise<SegmentSpan[]> {
    const key = `${traceKey(tenantId, traceId)}/${seq}`;
    let spans = this.decoded.get(key);
    // Called only for a segment whose columns were read, so its bytes are there.
    if (!spans) this.decoded.set(key, (spans = decodeSegment((await this.segmentBytes(tenantId, traceId, seq))!).spans));
    return spans;
  }

  /** Which of these keys a segment holds: a retried span's, stored before its trace was sealed. */
  async storedKeys(keys: readonly StoredSpanKey[]): Promise<StoredSpanKey[]> {
    const found: StoredSpanKey[] = [];
    for (const group of byTrace(keys.filter((k) => this.isSealed(k.tenantId, k.traceId))).values()) {
      const { tenantId, traceId } = group[0]!;
      for (const segment of await this.segments(tenantId, traceId)) {
        const inRange = group.filter((k) => k.startNs / 1000n >= segment.startUs && k.startNs / 1000n <= segment.endUs);
        if (inRange.length === 0) continue;
        const c = await this.idColumns(tenantId, traceId, segment.seq);
        if (!c) continue;
        const held = new Set<string>();
        for (let i = 0; i < c.count; i++) held.add(`${c.spanId[i]}/${c.startUs[i]}`);
        for (const k of inRange) if (held.has(`${k.spanId}/${k.startNs / 1000n}`)) found.push(k);
      }
    }
    return found;
  }

  /**
   * The sealed spans whose id (`by: "span"`) or parent's id (`by: "parent"`) is one of `refs`
   * and that `keep` keeps, minus those a row shadows (a span sent again after sealing: the row
   * is what the row lookups return, and it wins).
   */
  async find(refs: readonly SpanRef[], by: "span" | "parent", keep: (span: SegmentSpan) => boolean = () => true): Promise<FoundSpan[]> {
    const found: FoundSpan[] = [];
    for (const group of byTrace(refs.filter((r) => this.isSealed(r.tenantId, r.traceId))).values()) {
      const { tenantId, traceId } = group[0]!;
      const ids = new Set(group.map((r) => r.spanId));
      for (const segment of await this.segments(tenantId, traceId)) {
        const c = await this.idColumns(tenantId, traceId, segment.seq);
        if (!c) continue;
        const hits: number[] = [];
        for (let i = 0; i < c.count; i++) {
          if (by === "span" ? ids.has(c.spanId[i]!.toString()) : c.hasParent[i] === 1 && ids.has(c.parentSpanId[i]!.toString())) hits.push(i);
        }
        if (hits.length === 0) continue;
        const spans = await this.spans(tenantId, traceId, segment.seq);
        for (const i of hits) if (keep(spans[i]!)) found.push({ tenantId, traceId, span: spans[i]! });
      }
    }
    return this.unshadowed(found);
  }

  private async unshadowed(found: FoundSpan[]): Promise<FoundSpan[]> {
    if (found.length === 0) return found;
    const rows = await this.tx.unsafe<{ tenant_id: string; trace_id: string; span_id: string; start_ns: string }[]>(
      STORED_SPANS,
      [found.map((f) => f.tenantId), found.map((f) => f.traceId), found.map((f) => f.span.spanId.toString()), found.map((f) => (f.span.startUs * 1000n).toString())],
      { prepare: true },
    );
    if (rows.length === 0) return found;
    const shadowed = new Set(rows.map((r) => `${r.tenant_id}/${r.trace_id}/${r.span_id}/${r.start_ns}`));
    return found.filter((f) => !shadowed.has(`${f.tenantId}/${f.traceId}/${f.span.spanId}/${f.span.startUs * 1000n}`));
  }
}
