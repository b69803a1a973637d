const MAX_TEXT = 512;

/**
 * Makes a value safe to store and show in the audit log: control characters (CR, LF, tabs,
 * escape sequences) become visible escapes, so a crafted user agent or filter value cannot
 * forge a line or an entry (OWASP ASVS V16, Logging Cheat Sheet); long values are cut.
 */
export function encodeAuditText(value: string, max = MAX_TEXT): string {
  const escaped = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\u${code.toString(16).padStart(4, "0")}`;
  });
  return escaped.length > max ? `${escaped.slice(0, max)}…[${escaped.length - max} more]` : escaped;
}

/** The same for every string inside a details object, keys included. */
export function encodeAuditDetails(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return encodeAuditText(value);
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => encodeAuditDetails(v, depth + 1));
  if (value && typeof value === "object" && depth < 4) {
    return Object.fromEntries(
      Object.entries(value).slice(0, 50).map(([k, v]) => [encodeAuditText(k, 64), encodeAuditDetails(v, depth + 1)]),
    );
  }
  return typeof value === "number" || typeof value === "boolean" || value === null ? value : String(value);
}
