import { z } from "zod";

/** How many trace downloads (export, span stream) may hold a database connection, and for how long. */
export interface StreamLimits {
  /** Streams open at once in this process; never more than half the pool (see streamLimitsFromEnv). */
  total: number;
  perUser: number;
  /** A stream whose client has not taken a chunk for this long is cut and its transaction ended. */
  stallMs: number;
  /** No stream holds its connection longer than this, however steadily its client reads. */
  maxMs: number;
  retryAfterSeconds: number;
}

const count = (max: number) => z.coerce.number().int().min(1).max(max).optional();
const schema = z.object({
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  TRACE_STREAMS_MAX: count(100),
  TRACE_STREAMS_PER_USER: count(100),
  TRACE_STREAM_STALL_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  TRACE_STREAM_MAX_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(300_000),
});

/**
 * The limits from the environment. Streams may take at most half of DATABASE_POOL_MAX (default:
 * a third), whatever TRACE_STREAMS_MAX asks: the rest of the pool stays for health, search,
 * sign-in's and ingest's short queries however many downloads are stalled.
 */
export function streamLimitsFromEnv(env: Record<string, string | undefined>): StreamLimits {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid stream settings: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const e = parsed.data;
  const ceiling = Math.max(1, Math.floor(e.DATABASE_POOL_MAX / 2));
  const total = Math.min(e.TRACE_STREAMS_MAX ?? Math.max(1, Math.floor(e.DATABASE_POOL_MAX / 3)), ceiling);
  return {
    total,
    perUser: Math.min(e.TRACE_STREAMS_PER_USER ?? 2, total),
    stallMs: e.TRACE_STREAM_STALL_MS,
    maxMs: e.TRACE_STREAM_MAX_MS,
    retryAfterSeconds: 5,
  };
}
