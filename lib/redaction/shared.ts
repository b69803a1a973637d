/**
 * Pieces both redaction engines use: the tracing library's sanitizer (before export, tuned
 * for microseconds per span) and ingest's configurable, counted redactor (before storage).
 */

/** Parameter and JSON field names whose value is a secret, with any prefix ("csrf_token"). */
export const SECRET_NAME_PATTERN = String.raw`[\w-]*?(?:token|secret|password|passwd|pwd|api[_-]?key|signature|credential|session_?id|auth|authorization|cookie)`;

/** The Luhn checksum: a card-length digit run that fails it is an id, not a card number. */
export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** An attribute key as lowercase words, split at separators and camelCase humps: "X-Api-Key" → x api key. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}
