import type { Sql } from "../../db/connect";

/** Every relation that holds trace data as the product stores it (issue 22's "all trace data"). */
export const TRACE_DATA_RELATIONS = [
  "spans",
  "span_segments",
  "sealed_span_refs",
  "trace_seal_pending",
  "traces",
  "resources",
  "scopes",
  "span_rollup",
  "span_rollup_delta",
  "service_map_rollup",
  "service_map_delta",
] as const;

export interface RelationBytes {
  relation: string;
  rows: number;
  /** Heap with its free-space and visibility maps, summed over partitions. */
  heap: number;
  toast: number;
  /** Each index (a partitioned one summed over its partitions), largest first. */
  indexes: { name: string; bytes: number }[];
}

export const relationTotal = (r: RelationBytes) => r.heap + r.toast + r.indexes.reduce((s, i) => s + i.bytes, 0);

/** Bytes of each trace-data relation, split into heap, TOAST and each index. */
export async function traceStorage(sql: Sql): Promise<RelationBytes[]> {
  const out: RelationBytes[] = [];
  for (const relation of TRACE_DATA_RELATIONS) {
    // pg_partition_tree lists a plain table (or index) as its own only leaf.
    const [sizes] = await sql<{ heap: number; toast: number; rows: number }[]>`
      SELECT coalesce(sum(pg_table_size(c.oid) - coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0)), 0)::float8 AS heap,
             coalesce(sum(pg_total_relation_size(nullif(c.reltoastrelid, 0))), 0)::float8 AS toast,
             (SELECT count(*) FROM ${sql(relation)})::float8 AS rows
      FROM pg_partition_tree(${relation}::regclass) p JOIN pg_class c ON c.oid = p.relid WHERE p.isleaf`;
    const indexes = await sql<{ name: string; bytes: number }[]>`
      SELECT i.indexrelid::regclass::text AS name,
             (SELECT coalesce(sum(pg_relation_size(t.relid)), 0) FROM pg_partition_tree(i.indexrelid) t)::float8 AS bytes
      FROM pg_index i WHERE i.indrelid = ${relation}::regclass ORDER BY bytes DESC, name`;
    out.push({ relation, rows: sizes!.rows, heap: sizes!.heap, toast: sizes!.toast, indexes });
  }
  return out;
}

/**
 * The breakdown before and after sealing, in bytes per span of the day (`spans`), one line per
 * relation (heap, TOAST, indexes, total) and one per index.
 */
export function storageLines(before: RelationBytes[], after: RelationBytes[], spans: number): string[] {
  const f = (bytes: number) => (bytes / spans).toFixed(1).padStart(7);
  const lines = [`  ${"relation / index".padEnd(58)} ${"rows".padStart(9)} ${"heap".padStart(7)} ${"toast".padStart(7)} ${"index".padStart(7)} ${"total".padStart(7)}   (B/span, before -> after sealing)`];
  let totalBefore = 0;
  let totalAfter = 0;
  for (const [i, b] of before.entries()) {
    const a = after[i]!;
    totalBefore += relationTotal(b);
    totalAfter += relationTotal(a);
    const idx = (r: RelationBytes) => r.indexes.reduce((s, x) => s + x.bytes, 0);
    lines.push(`  ${b.relation.padEnd(58)} ${String(b.rows).padStart(9)} ${f(b.heap)} ${f(b.toast)} ${f(idx(b))} ${f(relationTotal(b))}   before`);
    lines.push(`  ${"".padEnd(58)} ${String(a.rows).padStart(9)} ${f(a.heap)} ${f(a.toast)} ${f(idx(a))} ${f(relationTotal(a))}   after`);
    for (const x of a.indexes) {
      const was = b.indexes.find((y) => y.name === x.name)?.bytes ?? 0;
      lines.push(`    ${x.name.padEnd(56)} ${"".padStart(9)} ${"".padStart(23)} ${f(was)} -> ${f(x.bytes).trim()}`);
    }
  }
  lines.push(`  ${"all trace data".padEnd(58)} ${"".padStart(9)} ${"".padStart(23)} ${f(totalBefore)} -> ${f(totalAfter).trim()}`);
  return lines;
}
