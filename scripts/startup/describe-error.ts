/** One line from an error and its causes (drizzle wraps the database's own message, with the query's parameters). */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let e = error; e instanceof Error; e = e.cause) parts.push(e.message.replace(/\s*params:.*$/s, "").trim());
  return parts.join(": ") || String(error);
}
