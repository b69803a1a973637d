import { fieldText, jsonbText } from "@/lib/db/jsonb-text";

/**
 * Find in trace for a sealed segment, in Node: exactly what findInTrace's SQL matches (its
 * status message, its attributes' keys and `jsonb_each_text` values, and of each event that is
 * an object its `->>'name'` and its attributes' keys and values), with `ILIKE '%text%'` as a
 * database whose ctype is C runs it: lower() of both sides folds only A-Z, then a plain
 * substring test (likePattern makes the wildcards literal). findInTrace uses this only after
 * asking the database that its ILIKE folds so (asciiFoldingSql).
 */

/** True in a database whose ILIKE folds A-Z and nothing else (ctype C); false under any locale that folds more. */
export const ASCII_FOLDING_SQL = `SELECT 'A' ILIKE 'a' AND NOT ('Ä' ILIKE 'ä' OR 'Σ' ILIKE 'σ' OR 'Ж' ILIKE 'ж') AS ascii`;

const UPPER = /[A-Z]/;
const UPPER_RUNS = /[A-Z]+/g;

/** A-Z to a-z, nothing else: lower() in the C ctype. */
export const foldAscii = (s: string) => (UPPER.test(s) ? s.replace(UPPER_RUNS, (m) => m.toLowerCase()) : s);

export type SpanMatcher = (statusMessage: string | null, attributes: Record<string, unknown>, events: unknown[]) => boolean;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function spanMatcher(text: string): SpanMatcher {
  const needle = foldAscii(text);
  const has = (s: string | null) => s !== null && foldAscii(s).includes(needle);
  const anyEntry = (o: Record<string, unknown>) => {
    for (const key of Object.keys(o)) if (has(key) || has(jsonbText(o[key]))) return true;
    return false;
  };
  return (statusMessage, attributes, events) => {
    if (has(statusMessage) || anyEntry(attributes)) return true;
    for (const e of events) {
      if (!isObject(e)) continue;
      if (has(fieldText(e, "name"))) return true;
      if (isObject(e.attributes) && anyEntry(e.attributes)) return true;
    }
    return false;
  };
}
