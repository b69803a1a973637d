import { isTransientDatabaseError } from "@/db/errors";
import { AuditWriteError } from "@/lib/audit/record";
import { logger } from "@trace-explorer/tracing/logger";

// Kept apart from api-route.ts: routes that never use the session gate (the cron route)
// answer with the same bodies without pulling it in.

const NO_STORE = { "cache-control": "no-store" };

/** A JSON error body: `{ error: message }` and the status, never a stack trace. */
export function jsonError(status: number, message: string, extra?: Record<string, unknown>, headers?: HeadersInit): Response {
  return Response.json({ error: message, ...extra }, { status, headers: { ...NO_STORE, ...headers } });
}

export interface FailureOptions {
  /** How long a client should wait before retrying when the database is unavailable. */
  retryAfterSeconds?: number;
  /** The log message of an unexpected error. */
  logMessage?: string;
}

/**
 * Maps a thrown error to a status without leaking its details to the client: 503 with
 * Retry-After when the database or the audit log cannot be reached, a bare 500 otherwise.
 */
export function failure(error: unknown, route: string, options: FailureOptions = {}): Response {
  if (error instanceof AuditWriteError || isTransientDatabaseError(error)) {
    logger.warn({ route, err: error instanceof Error ? error.name : String(error) }, "database unavailable");
    return jsonError(503, "the database is unavailable; try again shortly", undefined, { "retry-after": String(options.retryAfterSeconds ?? 5) });
  }
  logger.error({ route, err: error }, options.logMessage ?? "request failed");
  return jsonError(500, "internal error");
}
