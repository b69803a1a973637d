import { encodeAuditText } from "./encode";

/**
 * An audit row's details as `key: value` lines for the page. Stored strings are already
 * encoded; encoding again on display covers rows written before that or by hand, so a CR,
 * LF or escape sequence always shows as a visible `\r`, `\n`, `\u001b`, never as layout.
 */
export function detailLines(details: Record<string, unknown>): string[] {
  return Object.entries(details).map(([key, value]) => {
    const shown = typeof value === "string" ? value : JSON.stringify(value);
    return `${encodeAuditText(key, 64)}: ${encodeAuditText(shown ?? "null", 2000)}`;
  });
}
