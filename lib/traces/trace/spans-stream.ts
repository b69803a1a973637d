import "server-only";
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/db/tenant-scope";
import { frameSpanCount, SPANS_BINARY_CONTENT_TYPE } from "./span-binary-format";
import type { TraceHeader } from "./trace-header";
import { sourceSql, traceSpanColumnSources, type SegmentColumnsSource, type SpanSource } from "@/lib/traces/span-store/read";
import { SpanFrameWriter, streamEnd, streamPreamble } from "./span-frame-writer";
import { sealedSpanFrames, sealedSpanLines } from "./span-tuples";
import { transactionStream } from "./transaction-stream";

/** Spans per chunk: small enough that the browser starts parsing early, big enough to keep round trips few. */
export const CHUNK_SPANS = 5_000;

/** The span stream's two forms: NDJSON of SpanTuples (lib/waterfall/span-page.ts), or binary frames (lib/traces/trace/span-binary-format.ts). */
export type SpanStreamFormat = "ndjson" | "binary";

/** A span's events (ns since the trace's start) and its links within the trace, as JSON text, NULL without any. */
function eventsAndLinksSql(tx: TransactionSql, header: TraceHeader) {
  const startNs = `${header.startUs}000`;
  return tx`
    CASE WHEN s.events = '[]'::jsonb THEN NULL ELSE
      (SELECT json_agg((e->>'timeUnixNano')::numeric - ${startNs}::numeric) FROM jsonb_array_elements(s.events) e) END,
    CASE WHEN s.links = '[]'::jsonb THEN NULL ELSE
      (SELECT json_agg(l->>'spanId') FROM jsonb_array_elements(s.links) l WHERE lower(l->>'traceId') = ${header.traceId}) END`;
}

/**
 * The trace's spans as chunks of the stream in either form, one source at a time (its rows, then
 * each sealed segment: lib/traces/span-store/read.ts): a segment from its columns in Node
 * (`sealed`, its attributes never decoded), or through Postgres (`sql`) when it holds what only
 * the SQL spells; rows go through one cursor.
 */
async function* sourceChunks<T>(
  tx: TransactionSql,
  header: TraceHeader,
  sealed: (source: SegmentColumnsSource<"events" | "links">) => T[] | null,
  sql: (source: SpanSource) => AsyncGenerator<T>,
): AsyncGenerator<T> {
  for await (const source of traceSpanColumnSources(tx, header, ["events", "links"])) {
    const chunks = source.sealed ? sealed(source) : null;
    if (chunks) yield* chunks;
    else yield* sql(source.sealed ? source.spans() : source);
  }
}

/**
 * Every span of the trace as lines of the stream, each a JSON array of SpanTuples, in whatever
 * order the rows come (no ORDER BY: span ids are random with respect to the heap, so id order
 * costs a random heap read per span, while this reads the heap in order). The browser builds
 * the tree, so the order does not matter; the time range limits the read to the trace's day
 * partitions. Postgres writes each row's tuple JSON, so Node only joins text, and the cursor
 * keeps one chunk in memory at a time; a sealed segment's tuples are written here
 * (span-tuples.ts), one segment in memory at a time.
 */
export function spanChunkLines(tx: TransactionSql, header: TraceHeader, chunkSpans = CHUNK_SPANS): AsyncGenerator<string> {
  return sourceChunks(
    tx,
    header,
    (source) => sealedSpanLines(source, header, chunkSpans),
    async function* (source) {
      const cursor = tx<{ j: string }[]>`
        SELECT json_build_array(
                 lpad(to_hex(s.span_id), 16, '0'),
                 coalesce(lpad(to_hex(s.parent_span_id), 16, '0'), ''),
                 (extract(epoch FROM s.start_time) * 1000000)::bigint - ${header.startUs}::bigint,
                 s.duration_ns, s.service, s.name, s.kind, s.status_code,
                 ${eventsAndLinksSql(tx, header)}
               )::text AS j
        FROM ${sourceSql(tx, source)} s`.cursor(chunkSpans);
      for await (const rows of cursor) {
        let line = "[";
        for (let i = 0; i < rows.length; i++) line += (i === 0 ? "" : ",") + rows[i]!.j;
        yield `${line}]\n`;
      }
    },
  );
}

interface WireRow {
  id: string;
  parent: string | null;
  start: number;
  duration: number;
  service: string;
  name: string;
  kind: number;
  status: number;
  events: string | null;
  links: string | null;
}

/** A source's spans as binary frames by SQL: its rows, or a segment whose events or links only SQL spells. */
async function* sqlFrames(tx: TransactionSql, header: TraceHeader, source: SpanSource, chunkSpans: number): AsyncGenerator<Uint8Array> {
  // The NDJSON's values column by column: float8 for the numbers JSON carries as doubles, the
  // rare events and links as the same JSON.
  const cursor = tx<WireRow[]>`
    SELECT lpad(to_hex(s.span_id), 16, '0') AS id, lpad(to_hex(s.parent_span_id), 16, '0') AS parent,
           ((extract(epoch FROM s.start_time) * 1000000)::bigint - ${header.startUs}::bigint)::float8 AS start,
           s.duration_ns::float8 AS duration, s.service, s.name, s.kind, s.status_code AS status,
           x.events::text AS events, x.links::text AS links
    FROM ${sourceSql(tx, source)} s, LATERAL (SELECT ${eventsAndLinksSql(tx, header)}) AS x(events, links)`.cursor(chunkSpans);
  for await (const rows of cursor) {
    const frame = new SpanFrameWriter(rows.length);
    for (const r of rows) {
      const i = frame.span(r.id, r.parent, r.start, r.duration, r.service, r.name, r.kind, r.status);
      if (r.events !== null) frame.events(i, JSON.parse(r.events) as (number | null)[]);
      if (r.links !== null) frame.links(i, JSON.parse(r.links) as unknown[]);
    }
    yield frame.finish();
  }
}

/** The same spans as spanChunkLines in the binary form, one frame per chunk (without the stream's preamble and end mark). */
export function spanFrames(tx: TransactionSql, header: TraceHeader, chunkSpans = CHUNK_SPANS): AsyncGenerator<Uint8Array> {
  return sourceChunks(
    tx,
    header,
    (source) => sealedSpanFrames(source, header, chunkSpans),
    (source) => sqlFrames(tx, header, source, chunkSpans),
  );
}

/** The whole binary stream: preamble with the first frame (the answer waits for the first write), frames, end mark. */
export async function* spanStreamBytes(tx: TransactionSql, header: TraceHeader, chunkSpans = CHUNK_SPANS): AsyncGenerator<Uint8Array> {
  let spans = 0;
  let first = true;
  for await (const frame of spanFrames(tx, header, chunkSpans)) {
    spans += frameSpanCount(frame);
    yield first ? Buffer.concat([streamPreamble(), frame]) : frame;
    first = false;
  }
  yield first ? Buffer.concat([streamPreamble(), streamEnd(spans)]) : streamEnd(spans);
}

/** The spans in either form, read while the client takes them (lib/traces/trace/transaction-stream.ts). */
export function spansResponse(userId: string, scope: TenantScope, header: TraceHeader, format: SpanStreamFormat = "ndjson"): Promise<Response> {
  const binary = format === "binary";
  return transactionStream({
    userId,
    scope,
    traceId: header.traceId,
    spans: header.spanCount,
    headers: { "content-type": binary ? SPANS_BINARY_CONTENT_TYPE : "application/x-ndjson" },
    produce: async (tx, write) => {
      for await (const piece of binary ? spanStreamBytes(tx, header) : spanChunkLines(tx, header)) await write(piece);
    },
  });
}
