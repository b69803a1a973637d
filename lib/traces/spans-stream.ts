import "server-only";
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/lib/auth/scope";
import type { SpanChunk } from "@/lib/waterfall/span-page";
import { withTenantScope } from "@/db/scoped";
import { logger } from "@/lib/tracing";
import type { TraceHeader } from "./trace-header";
import { spanWhere } from "./trace-span";

/** Spans per chunk: small enough that the browser starts parsing early, big enough that the per-chunk tables pay off. */
export const CHUNK_SPANS = 5_000;

interface Row {
  id: string;
  parent: string;
  start: number;
  duration: number;
  service: string;
  name: string;
  kind: number;
  status: number;
  events: number[] | null;
}

/**
 * Every span of the trace in chunks, from one read in whatever order the rows come (no ORDER
 * BY: span ids are random with respect to the heap, so id order costs a random heap read per
 * span, while the bitmap scan over the primary key reads the heap in order). The browser builds
 * the tree, so the order does not matter; the time range limits the read to the trace's day
 * partitions. The cursor keeps one chunk in memory at a time.
 */
export async function* spanChunks(tx: TransactionSql, header: TraceHeader, chunkSpans = CHUNK_SPANS): AsyncGenerator<SpanChunk> {
  const startNs = `${header.startUs}000`;
  const cursor = tx<Row[]>`
    SELECT lpad(to_hex(s.span_id), 16, '0') AS id,
           coalesce(lpad(to_hex(s.parent_span_id), 16, '0'), '') AS parent,
           (extract(epoch FROM s.start_time) * 1000000 - ${header.startUs}::numeric)::float8 AS start,
           s.duration_ns::float8 AS duration, s.service, s.name, s.kind, s.status_code AS status,
           CASE WHEN s.events = '[]'::jsonb THEN NULL ELSE
             (SELECT array_agg(((e->>'timeUnixNano')::numeric - ${startNs}::numeric)::float8)
              FROM jsonb_array_elements(s.events) e) END AS events
    FROM spans s
    WHERE ${spanWhere(tx, header)}`.cursor(chunkSpans);
  for await (const rows of cursor) yield toChunk(rows);
}

function toChunk(rows: Row[]): SpanChunk {
  const serviceTable: string[] = [];
  const serviceIndex = new Map<string, number>();
  const nameTable: string[] = [];
  const nameIndex = new Map<string, number>();
  const chunk: SpanChunk = {
    ids: [], parents: [], starts: [], durations: [], services: [], serviceTable, names: [], nameTable, kinds: [], statuses: [], events: [],
  };
  rows.forEach((r, i) => {
    chunk.ids.push(r.id);
    chunk.parents.push(r.parent);
    chunk.starts.push(r.start);
    chunk.durations.push(r.duration);
    chunk.services.push(indexIn(r.service, serviceTable, serviceIndex));
    chunk.names.push(indexIn(r.name, nameTable, nameIndex));
    chunk.kinds.push(r.kind);
    chunk.statuses.push(r.status);
    if (r.events) chunk.events.push(i, r.events.length, ...r.events);
  });
  return chunk;
}

function indexIn(value: string, table: string[], index: Map<string, number>): number {
  let i = index.get(value);
  if (i === undefined) {
    i = table.push(value) - 1;
    index.set(value, i);
  }
  return i;
}

/**
 * The spans as NDJSON, one chunk per line, streamed while the transaction stays open: a slow
 * reader slows the cursor instead of filling memory. A failure after the first byte can only
 * abort the stream (the client reports it); the status was already sent.
 */
export function spansResponse(scope: TenantScope, header: TraceHeader): Response {
  const encoder = new TextEncoder();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  withTenantScope(scope, async (tx) => {
    for await (const chunk of spanChunks(tx, header)) await writer.write(encoder.encode(`${JSON.stringify(chunk)}\n`));
  }).then(
    () => writer.close(),
    (error: unknown) => {
      logger.error({ err: error, traceId: header.traceId }, "span stream failed");
      return writer.abort(error);
    },
  );
  return new Response(readable, { headers: { "content-type": "application/x-ndjson", "cache-control": "no-store" } });
}
