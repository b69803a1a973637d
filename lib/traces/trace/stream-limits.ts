import { z } from "zod";

/** How many trace downloads (export, span stream) may hold a database connection, and for how long. */
export interface StreamLimits {
  /** Streams open at once in this process, each on a connection of the downloads' own pool of this size. */
  total: number;
  perUser: number;
  /** A stream whose client has not taken a chunk for this long is cut and its transaction ended. */
  stallMs: number;
  /** No stream holds its connection longer than this, however steadily its client reads. */
  maxMs: number;
  /** Spans a user may start downloading per minute (each download is charged its trace's span count). */
  spansPerMinute: number;
  /** A user whose downloads were cut for not reading three times in a row waits this long before the next (doubling for each further stall). */
  stallPenaltyMs: number;
  retryAfterSeconds: number;
  /** Downloads of traces with at least this many spans do their work one at a time (lib/traces/trace/download-turns.ts). */
  largeSpans: number;
}

const count = (max: number) => z.coerce.number().int().min(1).max(max).optional();
const schema = z.object({
  TRACE_STREAMS_MAX: z.coerce.number().int().min(1).max(100).default(8),
  TRACE_STREAMS_PER_USER: count(100),
  TRACE_STREAM_STALL_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  TRACE_STREAM_MAX_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(300_000),
  TRACE_DOWNLOAD_SPANS_PER_MINUTE: z.coerce.number().int().min(1_000).max(1_000_000_000).default(500_000),
  TRACE_STREAM_STALL_PENALTY_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  TRACE_STREAM_LARGE_SPANS: z.coerce.number().int().min(1).max(1_000_000_000).default(10_000),
});

/** The limits from the environment (TRACE_STREAMS_MAX, TRACE_STREAMS_PER_USER, TRACE_STREAM_STALL_MS, TRACE_STREAM_MAX_MS, TRACE_DOWNLOAD_SPANS_PER_MINUTE, TRACE_STREAM_STALL_PENALTY_MS, TRACE_STREAM_LARGE_SPANS). */
export function streamLimitsFromEnv(env: Record<string, string | undefined>): StreamLimits {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid stream settings: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const e = parsed.data;
  return {
    total: e.TRACE_STREAMS_MAX,
    perUser: Math.min(e.TRACE_STREAMS_PER_USER ?? 2, e.TRACE_STREAMS_MAX),
    stallMs: e.TRACE_STREAM_STALL_MS,
    maxMs: e.TRACE_STREAM_MAX_MS,
    spansPerMinute: e.TRACE_DOWNLOAD_SPANS_PER_MINUTE,
    stallPenaltyMs: e.TRACE_STREAM_STALL_PENALTY_MS,
    retryAfterSeconds: 5,
    largeSpans: e.TRACE_STREAM_LARGE_SPANS,
  };
}
