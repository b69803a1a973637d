/** Socket-level failures as Node and postgres.js report them. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH",
  "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT",
]);

// SQLSTATEs that say "not now" rather than "never": lost connection, shutdown, resources,
// lock or statement timeouts, serialization failures and deadlocks.
const TRANSIENT_SQLSTATES = new Set(["57P01", "57P02", "57P03", "55P03", "57014", "40001", "40P01"]);
const TRANSIENT_CLASSES = new Set(["08", "53"]);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** The database cannot take the write now, but a retry later may succeed (HTTP 503). */
export function isTransientDatabaseError(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    const code = codeOf(e);
    if (code && (CONNECTION_CODES.has(code) || TRANSIENT_SQLSTATES.has(code) || TRANSIENT_CLASSES.has(code.slice(0, 2)))) return true;
    if (e instanceof AggregateError && e.errors.some(isTransientDatabaseError)) return true;
  }
  return false;
}

/** Worth retrying at once inside the request: another transaction won a race. */
export function isRetryableConflict(error: unknown): boolean {
  const code = codeOf(error);
  return code === "40P01" || code === "40001";
}

/** A row with this key exists already (another transaction stored it first). */
export function isUniqueViolation(error: unknown): boolean {
  return codeOf(error) === "23505";
}

/** A span's day has no partition (the purge dropped it after we cached that it existed). */
export function isMissingPartition(error: unknown): boolean {
  return codeOf(error) === "23514" && /no partition/i.test((error as Error).message);
}

/** A short, value-free description for logs: database messages can quote row values. */
export function describeDatabaseError(error: unknown): string {
  const code = codeOf(error);
  const name = error instanceof Error ? error.name : typeof error;
  return code ? `${name} ${code}` : name;
}
