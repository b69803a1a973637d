/**
 * Readers that want a trace's first spans by (start, span id), as one ORDER BY over `spans`
 * gave them, ask each source for its first n (selecting SPAN_ORDER as well) and merge here.
 */
export const SPAN_ORDER = `(extract(epoch FROM s.start_time) * 1000000)::bigint::text AS "sortUs", s.span_id::text AS "sortId"`;

export interface SpanOrder {
  sortUs: string;
  sortId: string;
}

/** Two items by (start, span id). */
export const bySpanOrder = (a: SpanOrder, b: SpanOrder) => {
  const d = BigInt(a.sortUs) - BigInt(b.sortUs) || BigInt(a.sortId) - BigInt(b.sortId);
  return d === 0n ? 0 : d < 0n ? -1 : 1;
};

/** The first `n` of the sources' items by (start, span id), without the order columns. */
export function firstBySpanOrder<T extends object>(items: (T & SpanOrder)[], n: number): Omit<T, keyof SpanOrder>[] {
  return [...items]
    .sort(bySpanOrder)
    .slice(0, n)
    .map((item) => {
      const { sortUs, sortId, ...rest } = item;
      void sortUs;
      void sortId;
      return rest;
    });
}

/** A segment's columns (or what of them order reads). */
interface OrderColumns {
  startUs: BigInt64Array;
  spanId: BigInt64Array;
}

/** Rows of a segment's columns compared by (start, span id), as SPAN_ORDER sorts spans. */
export const columnOrder =
  (c: OrderColumns) =>
  (a: number, b: number): number => {
    const d = c.startUs[a]! - c.startUs[b]! || c.spanId[a]! - c.spanId[b]!;
    return d === 0n ? 0 : d < 0n ? -1 : 1;
  };

/** Row i's SPAN_ORDER columns, for merging with what other sources' SQL selected. */
export const spanOrderAt = (c: OrderColumns, i: number): SpanOrder => ({ sortUs: c.startUs[i]!.toString(), sortId: c.spanId[i]!.toString() });

/**
 * For a reader merging sources' first `n` by (start, span id) (firstBySpanOrder): with `n` in
 * hand, a segment starting after the n-th cannot change them (read.ts SkipSegment). Keeps
 * `items` sorted and cut to `n`.
 */
export function pastFirst(items: SpanOrder[], n: number): (startUs: bigint) => boolean {
  return (startUs) => {
    items.sort(bySpanOrder).splice(n);
    return items.length === n && BigInt(items[n - 1]!.sortUs) < startUs;
  };
}
