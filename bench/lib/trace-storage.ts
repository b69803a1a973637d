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
    // pg_partition_tree lists nothing for a relation outside a partition tree: that one is its own leaf.
    const [sizes] = await sql<{ heap: number; toast: number; rows: number }[]>`
      SELECT coalesce(sum(pg_table_size(c.oid) - coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0)), 0)::float8 AS heap,
             coalesce(sum(pg_total_relation_size(nullif(c.reltoastrelid, 0))), 0)::float8 AS toast,
             (SELECT count(*) FROM ${sql(relation)})::float8 AS rows
      FROM pg_class c
      WHERE c.oid IN (SELECT p.relid FROM pg_partition_tree(${relation}::regclass) p WHERE p.isleaf)
         OR (c.oid = ${relation}::regclass AND c.relkind <> 'p')`;
    const indexes = await sql<{ name: string; bytes: number }[]>`
      SELECT i.indexrelid::regclass::text AS name,
             CASE WHEN c.relkind = 'I' THEN (SELECT sum(pg_relation_size(t.relid)) FROM pg_partition_tree(i.indexrelid) t)
                  ELSE pg_relation_size(i.indexrelid) END::float8 AS bytes
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = ${relation}::regclass ORDER BY bytes DESC, name`;
    out.push({ relation, rows: sizes!.rows, heap: sizes!.heap, toast: sizes!.toast, indexes });
  }
  return out;
}

export interface StorageStage {
  label: string;
  relations: RelationBytes[];
}

/**
 * Bytes per span of the day (`spans`) at each stage, one line per relation and stage (rows,
 * heap, TOAST, indexes, total), then each index across the stages, then the totals.
 */
export function storageLines(stages: StorageStage[], spans: number): string[] {
  const f = (bytes: number) => (bytes / spans).toFixed(1).padStart(7);
  const indexBytes = (r: RelationBytes) => r.indexes.reduce((s, x) => s + x.bytes, 0);
  const lines = [`  ${"relation / index".padEnd(44)} ${"rows".padStart(9)} ${"heap".padStart(7)} ${"toast".padStart(7)} ${"index".padStart(7)} ${"total".padStart(7)}   B/span: ${stages.map((s) => s.label).join(" | ")}`];
  for (const [i, first] of stages[0]!.relations.entries()) {
    for (const [k, stage] of stages.entries()) {
      const r = stage.relations[i]!;
      lines.push(`  ${(k === 0 ? first.relation : "").padEnd(44)} ${String(r.rows).padStart(9)} ${f(r.heap)} ${f(r.toast)} ${f(indexBytes(r))} ${f(relationTotal(r))}   ${stage.label}`);
    }
    for (const { name } of first.indexes) {
      const sizes = stages.map((stage) => stage.relations[i]!.indexes.find((x) => x.name === name)?.bytes ?? 0);
      lines.push(`    ${name.padEnd(42)} ${sizes.map((b) => f(b).trim()).join(" | ")}`);
    }
  }
  const totals = stages.map((stage) => f(stage.relations.reduce((s, r) => s + relationTotal(r), 0)).trim());
  lines.push(`  ${"all trace data".padEnd(44)} ${totals.join(" | ")}`);
  return lines;
}
