/**
 * Fields for PostgreSQL's COPY text format: tab-separated columns, newline-terminated rows,
 * `\N` for NULL, and backslash escapes for the characters that would break that framing.
 */

export const COPY_NULL = "\\N";

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPABLE = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

export function copyText(value: string): string {
  // Most fields need no escaping; testing first avoids a replace on the hot path.
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPABLE, (c) => ESCAPES[c]!) : value;
}

export function copyNullable(value: string | null | undefined): string {
  return value == null ? COPY_NULL : copyText(value);
}

/** A jsonb field from its JSON text, which escapes tabs and newlines itself: only its backslashes need doubling. */
export function copyJsonText(json: string): string {
  return json.includes("\\") ? json.replaceAll("\\", "\\\\") : json;
}

/** A jsonb field. */
export function copyJson(value: unknown): string {
  return copyJsonText(JSON.stringify(value));
}

const PLAIN_ELEMENT = /^[A-Za-z0-9_.:/-]+$/;

/** A text[] literal; elements outside a plain identifier alphabet are quoted. */
export function copyTextArray(values: readonly string[]): string {
  const elements = values.map((v) => (PLAIN_ELEMENT.test(v) && v.toUpperCase() !== "NULL" ? v : `"${v.replace(/["\\]/g, "\\$&")}"`));
  return copyText(`{${elements.join(",")}}`);
}

/**
 * Characters of COPY text per chunk: below V8's large-object size (128 KiB), a string over
 * which takes over a millisecond to allocate on this project's machine, against microseconds
 * under it (BENCHMARKS.md, Logs, session 10).
 */
const COPY_CHUNK_CHARS = 60_000;

/** COPY text rows of the items, in chunks of whole rows of about COPY_CHUNK_CHARS each. */
export function* copyChunks<T>(items: Iterable<T>, row: (item: T) => string): Generator<string> {
  let out = "";
  for (const item of items) {
    out += row(item);
    if (out.length >= COPY_CHUNK_CHARS) {
      yield out;
      out = "";
    }
  }
  if (out !== "") yield out;
}
