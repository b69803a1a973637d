import type { SegmentSpan } from "@/lib/traces/segments/format";

/** Text that could match across the punctuation of a nested value's JSON text, or case-fold past ASCII. */
const UNPREDICTABLE = /[^\x21-\x7e]|[{}[\]":,\\]/;
/** What Postgres prints a jsonb number with (numeric: no exponent). */
const NUMBER_TEXT = /^[0-9.-]+$/;

/**
 * For find in a sealed trace: the spans findInTrace's SQL may match, so only those go to
 * Postgres as JSON. A superset, never fewer: its SQL matches the status message, and the text
 * of top-level attribute and event attribute keys and values (raw for a string, JSON text for a
 * nested value, where a string's escapes count too); this checks every key and string of the
 * span both raw and JSON-escaped, takes any number as a match for a numeric text (Postgres
 * prints 1.0 as 1.0), and gives up (undefined: keep all) for text with spaces, punctuation of
 * JSON or anything past ASCII.
 */
export function findCandidates(text: string): ((span: SegmentSpan) => boolean) | undefined {
  if (text === "" || UNPREDICTABLE.test(text)) return undefined;
  const needle = text.toLowerCase();
  const numeric = NUMBER_TEXT.test(text);
  const has = (s: string) => s.toLowerCase().includes(needle) || JSON.stringify(s).toLowerCase().includes(needle);
  const hit = (v: unknown): boolean => {
    if (typeof v === "string") return has(v);
    if (typeof v === "number") return numeric;
    if (typeof v === "boolean" || v === null) return String(v).includes(needle);
    if (Array.isArray(v)) return v.some(hit);
    if (typeof v === "object") return Object.entries(v).some(([k, x]) => has(k) || hit(x));
    return true;
  };
  return (s) => (s.statusMessage !== null && has(s.statusMessage)) || hit(s.attributes) || hit(s.events);
}
