/**
 * Characters that change how the text around them is drawn without showing themselves: the
 * bidi embeddings, overrides and isolates (U+202A–202E, U+2066–2069) and the zero-width ones
 * (U+200B–200F, U+2060, U+FEFF). In a service or span name they let a sender make one name
 * look like another ("svc" + U+202E + "evil" shows as "svclive"), so names show them escaped.
 */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g;

export interface TextPart {
  text: string;
  /** An invisible character written as its escape, e.g. `\u202E`. */
  escaped: boolean;
}

/** `\u202E` for U+202E. */
function escapeOf(char: string): string {
  return `\\u${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** The text in runs of plain text and escaped invisible characters, in order; plain text is never altered. */
export function visibleParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(INVISIBLE)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index), escaped: false });
    parts.push({ text: escapeOf(match[0]), escaped: true });
    last = match.index + match[0].length;
  }
  if (last < text.length || parts.length === 0) parts.push({ text: text.slice(last), escaped: false });
  return parts;
}

/** The text with its invisible characters escaped, for places that take a string only (attributes, options). */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, escapeOf);
}
