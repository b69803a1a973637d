import "server-only";
import type { TransactionSql } from "postgres";
import type { EarlyRefusal } from "@/lib/auth/gate";
import type { TenantScope } from "@/db/tenant-scope";
import { getStreamSql } from "@/lib/db/client";
import { withTenantScope } from "@/lib/db/scoped";
import { jsonError } from "@/lib/http/responses";
import { logger } from "@trace-explorer/tracing/logger";
import { streamLimitsFromEnv, type StreamLimits } from "./stream-limits";
import { DownloadTurns } from "./download-turns";
import { StreamSlots, type Refusal } from "./stream-slots";

/** The stream was ended by the server because its client stopped reading or took too long. */
export class StreamCutError extends Error {
  override readonly name = "StreamCutError";

  constructor(
    message: string,
    /** Cut because the client took nothing for the stall timeout (its user waits before the next download). */
    readonly stalled = false,
  ) {
    super(message);
  }
}

/** Refuses a user's download before anything is read when their allowance says no (apiRoute's `refuse`). */
export function refuseDownload(user: { id: string }): EarlyRefusal | undefined {
  const refusal = streamGuard().slots.refusal(user.id);
  return refusal && { response: refusedDownload(refusal), reason: refusal.message };
}

/** 429 with Retry-After for a download its user may not start now. */
export function refusedDownload(refusal: Refusal): Response {
  return jsonError(429, refusal.message, undefined, { "retry-after": String(refusal.retryAfterSeconds) });
}

interface StreamGuard {
  limits: StreamLimits;
  slots: StreamSlots;
  /** The large downloads' turns to work (lib/traces/trace/download-turns.ts). */
  turns: DownloadTurns;
}

// One count per process, like the pools (Next's dev server re-evaluates modules).
const globalForStreams = globalThis as unknown as { traceExplorerStreams?: StreamGuard };

export function streamGuard(): StreamGuard {
  if (!globalForStreams.traceExplorerStreams) {
    const limits = streamLimitsFromEnv(process.env);
    globalForStreams.traceExplorerStreams = { limits, slots: new StreamSlots(limits), turns: new DownloadTurns() };
  }
  return globalForStreams.traceExplorerStreams;
}

export interface TransactionStreamOptions {
  userId: string;
  scope: TenantScope;
  traceId: string;
  /** The trace's span count: what the download is charged against its user's allowance. */
  spans: number;
  headers: Record<string, string>;
  /** Writes the body through `write` (text goes as UTF-8), which waits while the client is not reading. */
  produce: (tx: TransactionSql, write: (piece: string | Uint8Array) => Promise<void>) => Promise<void>;
}

/**
 * A download read from one database transaction while the client takes it, which must never
 * hold its connection for long: at most `limits.total` such streams at once, on a pool of
 * their own that size (per user `limits.perUser`; beyond, 429 with Retry-After), each cut (and its transaction rolled back)
 * when its client takes no chunk for `stallMs` or the stream passes `maxMs`, with the same
 * bounds set in Postgres (statement_timeout, idle_in_transaction_session_timeout) in case this
 * process stops driving it. A download of a large trace (`limits.largeSpans`) produces only in
 * its turn among the large ones, giving it up whenever it waits for its client. A client that goes away cancels the body, which fails the pending
 * write and ends the transaction at once.
 *
 * The answer waits for the first write, so a database that fails before it rejects here and
 * the route answers 503 with Retry-After; a failure after the first byte can only abort the
 * stream (the client reports it), the status having been sent.
 */
export async function transactionStream(options: TransactionStreamOptions, guard: StreamGuard = streamGuard()): Promise<Response> {
  const { limits, slots } = guard;
  const slot = slots.tryAcquire(options.userId, options.spans);
  if ("refused" in slot) return refusedDownload(slot.refused);
  const turns = options.spans >= limits.largeSpans ? guard.turns : undefined;
  let inTurn = false;
  const takeTurn = async () => {
    await turns?.take();
    inTurn = true;
  };
  const giveTurn = () => {
    if (inTurn) turns?.give();
    inTurn = false;
  };
  const encoder = new TextEncoder();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const deadline = Date.now() + limits.maxMs;
  let started = false;
  let open!: () => void;
  const firstWrite = new Promise<void>((resolve) => (open = resolve));

  const write = async (piece: string | Uint8Array): Promise<void> => {
    if (!started) {
      started = true;
      open();
    }
    if (Date.now() > deadline) throw new StreamCutError(`the download took longer than ${limits.maxMs} ms`);
    giveTurn();
    // Rejects when the client cancelled the body (it went away), or after a cut (the abort below).
    const written = writer.write(typeof piece === "string" ? encoder.encode(piece) : piece).catch(() => {
      throw new StreamCutError("the client closed the download");
    });
    written.catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        written,
        new Promise((_, reject) => {
          const wait = Math.min(limits.stallMs, Math.max(0, deadline - Date.now()));
          const stalled = wait >= limits.stallMs;
          const why = stalled ? `the client took no data for ${limits.stallMs} ms` : `the download took longer than ${limits.maxMs} ms`;
          timer = setTimeout(() => reject(new StreamCutError(why, stalled)), wait);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
    await takeTurn();
  };

  // The turn is taken before the transaction, so a download waiting for it holds no connection.
  const streamed = takeTurn().then(() => withTenantScope(options.scope, async (tx) => {
    // Whole milliseconds; a parameter cannot be bound in SET.
    await tx.unsafe(`SET LOCAL statement_timeout = ${Math.trunc(limits.maxMs)}`);
    await tx.unsafe(`SET LOCAL idle_in_transaction_session_timeout = ${Math.trunc(limits.stallMs + 5_000)}`);
    // A download runs the same statement batch after batch, and from the sixth run Postgres may
    // switch to a generic plan, which locks every day partition of spans until the transaction
    // ends, not only the trace's: retention detaching an expired day then queued behind a
    // stalled download, and every user's query of that day queued behind retention.
    await tx.unsafe("SET LOCAL plan_cache_mode = force_custom_plan");
    await options.produce(tx, write);
    // Closed before the commit: the client has the whole body whatever the commit of this
    // read-only transaction does.
    await writer.close();
  }, getStreamSql(limits.total))).then(
    () => {
      giveTurn();
      slot.release("completed");
    },
    (error: unknown) => {
      giveTurn();
      slot.release(error instanceof StreamCutError && error.stalled ? "stalled" : "other");
      throw error;
    },
  );
  streamed.catch((error: unknown) => {
    if (!started) return;
    if (error instanceof StreamCutError) logger.warn({ traceId: options.traceId, reason: error.message }, "trace download cut");
    else logger.error({ err: error, traceId: options.traceId }, "trace download failed");
    return writer.abort(error).catch(() => {});
  });
  await Promise.race([firstWrite, streamed]);
  return new Response(readable, { headers: { ...options.headers, "cache-control": "no-store" } });
}
