import "server-only";
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/db/tenant-scope";
import type { TraceHeader } from "./trace-header";
import { sourceSql, traceSpanSources } from "@/lib/traces/span-store/read";
import { sealedSpanLines } from "./span-tuples";
import { transactionStream } from "./transaction-stream";

/** Spans per chunk: small enough that the browser starts parsing early, big enough to keep round trips few. */
export const CHUNK_SPANS = 5_000;

/**
 * Every span of the trace as lines of the stream, each a JSON array of SpanTuples, from one
 * read per source (its rows, then each sealed segment: lib/traces/span-store/read.ts) in
 * whatever order the rows come (no ORDER BY: span ids are random with respect to the heap, so
 * id order costs a random heap read per span, while this reads the heap in order). The browser
 * builds the tree, so the order does not matter; the time range limits the read to the trace's
 * day partitions. Postgres writes each row's tuple JSON, so Node only joins text, and the cursor
 * keeps one chunk in memory at a time; a sealed segment's tuples are written here
 * (span-tuples.ts), one segment in memory at a time.
 */
export async function* spanChunkLines(tx: TransactionSql, header: TraceHeader, chunkSpans = CHUNK_SPANS): AsyncGenerator<string> {
  const startNs = `${header.startUs}000`;
  for await (const source of traceSpanSources(tx, header)) {
    const sealed = source.sealed ? sealedSpanLines(source.spans, header, chunkSpans) : null;
    if (sealed) {
      yield* sealed;
      continue;
    }
    const cursor = tx<{ j: string }[]>`
      SELECT json_build_array(
               lpad(to_hex(s.span_id), 16, '0'),
               coalesce(lpad(to_hex(s.parent_span_id), 16, '0'), ''),
               (extract(epoch FROM s.start_time) * 1000000)::bigint - ${header.startUs}::bigint,
               s.duration_ns, s.service, s.name, s.kind, s.status_code,
               CASE WHEN s.events = '[]'::jsonb THEN NULL ELSE
                 (SELECT json_agg((e->>'timeUnixNano')::numeric - ${startNs}::numeric) FROM jsonb_array_elements(s.events) e) END,
               CASE WHEN s.links = '[]'::jsonb THEN NULL ELSE
                 (SELECT json_agg(l->>'spanId') FROM jsonb_array_elements(s.links) l WHERE lower(l->>'traceId') = ${header.traceId}) END
             )::text AS j
      FROM ${sourceSql(tx, source)} s`.cursor(chunkSpans);
    for await (const rows of cursor) {
      let line = "[";
      for (let i = 0; i < rows.length; i++) line += (i === 0 ? "" : ",") + rows[i]!.j;
      yield `${line}]\n`;
    }
  }
}

/** The spans as NDJSON, one chunk per line, read while the client takes them (lib/traces/trace/transaction-stream.ts). */
export function spansResponse(userId: string, scope: TenantScope, header: TraceHeader): Promise<Response> {
  return transactionStream({
    userId,
    scope,
    traceId: header.traceId,
    spans: header.spanCount,
    headers: { "content-type": "application/x-ndjson" },
    produce: async (tx, write) => {
      for await (const line of spanChunkLines(tx, header)) await write(line);
    },
  });
}
