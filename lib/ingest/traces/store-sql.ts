import { hasSegments } from "@/lib/traces/segments/has-segments";
import { SPAN_COLUMNS } from "./span-copy";
import { fromNs } from "./sql-time";

/**
 * The statements of one ingest transaction (store.ts). Spans are COPYed straight
 * into their day's partition (ingest_span_partitions names them): Postgres refuses COPY into
 * `spans` itself, which has row-level security. COPY cannot skip a row that already exists,
 * so a request first asks which of its spans are stored (a retried export), under advisory
 * locks on its trace ids, and sends only the others.
 */

const PARTITION_NAME = /^spans_p\d{8}$/;

export function copyIntoPartition(partition: string): string {
  if (!PARTITION_NAME.test(partition)) throw new Error(`not a span partition: ${partition}`);
  return `COPY ${partition} (${SPAN_COLUMNS}) FROM STDIN`;
}

/**
 * The stored traces with the request's trace ids, of every tenant, with what the summary merge
 * needs and whether the lookups of stored spans must read segments too (sealed-spans.ts).
 */
export const STORED_TRACES = `
  SELECT t.trace_id::text, t.tenant_id, t.sample_weight, t.root_span_id IS NOT NULL AS has_root, ${hasSegments("t")} AS sealed
  FROM traces t WHERE t.trace_id = ANY($1::uuid[]) ORDER BY t.trace_id, t.tenant_id`;

/** Which of the request's spans ($1 tenant, $2 trace, $3 span, $4 start ns) are stored. */
export const STORED_SPANS = `
  SELECT k.tenant_id, k.trace_id::text, k.span_id::text, k.start_ns::text
  FROM unnest($1::text[], $2::uuid[], $3::bigint[], $4::bigint[]) AS k(tenant_id, trace_id, span_id, start_ns)
  JOIN spans s ON s.tenant_id = k.tenant_id AND s.trace_id = k.trace_id AND s.span_id = k.span_id
              AND s.start_time = ${fromNs("k.start_ns")}`;
