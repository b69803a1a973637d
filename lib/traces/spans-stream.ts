import "server-only";
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/lib/auth/scope";
import { withTenantScope } from "@/db/scoped";
import { logger } from "@/lib/tracing";
import type { TraceHeader } from "./trace-header";
import { spanWhere } from "./trace-span";

/** Spans per chunk: small enough that the browser starts parsing early, big enough to keep round trips few. */
export const CHUNK_SPANS = 5_000;

/**
 * Every span of the trace as lines of the stream, each a JSON array of SpanTuples, from one
 * read in whatever order the rows come (no ORDER BY: span ids are random with respect to the
 * heap, so id order costs a random heap read per span, while this reads the heap in order).
 * The browser builds the tree, so the order does not matter; the time range limits the read
 * to the trace's day partitions. Postgres writes each tuple's JSON, so Node only joins text,
 * and the cursor keeps one chunk in memory at a time.
 */
export async function* spanChunkLines(tx: TransactionSql, header: TraceHeader, chunkSpans = CHUNK_SPANS): AsyncGenerator<string> {
  const startNs = `${header.startUs}000`;
  const cursor = tx<{ j: string }[]>`
    SELECT json_build_array(
             lpad(to_hex(s.span_id), 16, '0'),
             coalesce(lpad(to_hex(s.parent_span_id), 16, '0'), ''),
             (extract(epoch FROM s.start_time) * 1000000)::bigint - ${header.startUs}::bigint,
             s.duration_ns, s.service, s.name, s.kind, s.status_code,
             CASE WHEN s.events = '[]'::jsonb THEN NULL ELSE
               (SELECT json_agg((e->>'timeUnixNano')::numeric - ${startNs}::numeric) FROM jsonb_array_elements(s.events) e) END
           )::text AS j
    FROM spans s
    WHERE ${spanWhere(tx, header)}`.cursor(chunkSpans);
  for await (const rows of cursor) {
    let line = "[";
    for (let i = 0; i < rows.length; i++) line += (i === 0 ? "" : ",") + rows[i]!.j;
    yield `${line}]\n`;
  }
}

/**
 * The spans as NDJSON, one chunk per line, streamed while the transaction stays open: a slow
 * reader slows the cursor instead of filling memory. The first chunk (a whole trace of up to
 * CHUNK_SPANS spans) is read before answering, so a database that fails before it rejects
 * here and the route answers 503 with Retry-After; a failure after the first byte can only
 * abort the stream (the client reports it), the status having been sent.
 */
export async function spansResponse(scope: TenantScope, header: TraceHeader): Promise<Response> {
  const encoder = new TextEncoder();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  let state: "reading" | "streaming" | "sent" = "reading";
  let open!: () => void;
  const firstChunkRead = new Promise<void>((resolve) => (open = resolve));
  const streamed = withTenantScope(scope, async (tx) => {
    const lines = spanChunkLines(tx, header);
    const first = await lines.next();
    state = "streaming";
    open();
    if (!first.done) {
      await writer.write(encoder.encode(first.value));
      for await (const line of lines) await writer.write(encoder.encode(line));
    }
    // Closed before the commit: the client has every span whatever the commit of this
    // read-only transaction does.
    state = "sent";
    await writer.close();
  });
  streamed.catch((error: unknown) => {
    if (state !== "streaming") return;
    logger.error({ err: error, traceId: header.traceId }, "span stream failed");
    return writer.abort(error);
  });
  await Promise.race([firstChunkRead, streamed]);
  return new Response(readable, { headers: { "content-type": "application/x-ndjson", "cache-control": "no-store" } });
}
