import { nameWords, type SecretNames } from "./names";

/**
 * Values that follow a secret name in text: `password: …`, `passwd …`, `api_key=…`,
 * `"token":"…"`, `{'password': '…'}`, `{\"password\":\"…\"}`, `Authorization: Token …`,
 * `Cookie: …`, `user=…&pass=…`, `Server=…;Password=…;`. Names are found by the secret names'
 * words and judged by the same rule as attribute keys. The scanner is hand-written so that its
 * cost stays linear in the text: every step moves forward, names and gaps are bounded.
 */

const MAX_NAME = 64;
const MAX_GAP = 8;
// Accented spellings whose unaccented form is a secret name (names are compared unaccented).
const ACCENTED = ["contraseña", "hasło", "şifre", "lösenord", "jelszó"];

export function fieldAnchor(names: SecretNames): RegExp {
  const words = [...new Set([...names.anchors, ...ACCENTED])].sort((a, b) => b.length - a.length);
  return new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gi");
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

function isNameChar(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45;
  return LETTER_OR_DIGIT.test(String.fromCharCode(c));
}

// A name that is a source file (auth/token.ts:42) or a path segment is not a field.
const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|py|rb|go|java|kt|cs|php|rs|c|cc|cpp|h|swift|scala|exs?|erl|json|ya?ml|xml|html?|sql|log|txt|conf|cfg|ini|toml|pem|crt|key)$/i;

// What a secret is never: empty, a placeholder (`= $1`, `?`, `:name`, `${VAR}`), masked
// (`****`), a literal, or already redacted.
const NOT_A_SECRET = /^(?:\$\d+|\?|%s|:[A-Za-z_]\w*|@[A-Za-z_]\w*|\$\{[^}]*\}|\{\{[^}]*\}\}|<[^>]*>|\*+|x+|true|false|null|none|nil|undefined|\[REDACTED[^\]]*\]?)$/i;
// `SET token = excluded.token`: a column, in SQL's spaced style.
const SQL_COLUMN = /^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+$/;
// After `:` or a space a plain word is prose ("password: required", "token expired").
const PLAIN_WORD = /^[A-Z]?[a-z]+$/;
// After a space only: a secret has a digit, a symbol or an inner capital, and some length.
const SECRET_LOOKING = /^(?=.{6})(?=.*(?:\d|[^\w\s]|.[A-Z]))[^/]*$/;
const SCHEME = /(?:bearer|basic|digest|token|negotiate|ntlm|apikey|key)[ \t]+/iy;
const VALUE_ENDS = new Set([..." \t\r\n&;,\"'<>)}]\\("]);

function skipSpaces(text: string, i: number): number {
  const max = Math.min(text.length, i + MAX_GAP);
  while (i < max && (text[i] === " " || text[i] === "\t")) i++;
  return i;
}

function quoteAt(text: string, i: number): string {
  const c = text[i];
  if (c === '"' || c === "'") return c;
  if (c === "\\" && (text[i + 1] === '"' || text[i + 1] === "'")) return text.slice(i, i + 2);
  return "";
}

function lineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) if (text[i] === "\n" || text[i] === "\r") return i;
  return text.length;
}

/** Where the value after a secret name (ending at `i`) lies, or undefined when there is none. */
function valueAfter(text: string, i: number, name: string): { from: number; to: number } | undefined {
  let j = i + quoteAt(text, i).length;
  const afterName = j;
  j = skipSpaces(text, j);
  let separator: "=" | ":" | " ";
  const c = text[j];
  if (c === "=") {
    separator = "=";
    j += text[j + 1] === ">" ? 2 : 1;
    if (text[j] === "=") return undefined; // a comparison (==), not an assignment
  } else if (c === ":") {
    separator = ":";
    j += text[j + 1] === "=" ? 2 : 1;
  } else if (c === "%" && (text.startsWith("3D", j + 1) || text.startsWith("3d", j + 1))) {
    separator = "=";
    j += 3;
  } else if (c === "%" && (text.startsWith("3A", j + 1) || text.startsWith("3a", j + 1))) {
    separator = ":";
    j += 3;
  } else if (j > afterName) separator = " ";
  else return undefined;
  j = skipSpaces(text, j);

  const quote = quoteAt(text, j);
  if (quote) {
    j += quote.length;
    let close = text.indexOf(quote, j);
    while (close > j && quote.length === 1 && text[close - 1] === "\\") close = text.indexOf(quote, close + 1);
    if (close < 0) close = lineEnd(text, j);
    const value = text.slice(j, close);
    return value.length === 0 || NOT_A_SECRET.test(value) ? undefined : { from: j, to: close };
  }
  if (text[j] === "{" || text[j] === "[") return undefined; // nested fields have their own names
  SCHEME.lastIndex = j;
  const scheme = separator !== " " && SCHEME.exec(text);
  if (scheme) j += scheme[0].length;
  let to = j;
  // A cookie header's value is the whole line: every cookie in it may be a session.
  if (separator === ":" && nameWords(name).some((w) => w === "cookie" || w === "cookies")) to = lineEnd(text, j);
  else while (to < text.length && !VALUE_ENDS.has(text[to]!)) to++;
  if (text[to] === "(") return undefined; // a function call in code or SQL
  const value = text.slice(j, to);
  if (value.length === 0 || NOT_A_SECRET.test(value)) return undefined;
  if (text[j - 1] === " " && SQL_COLUMN.test(value)) return undefined;
  if (separator !== "=" && PLAIN_WORD.test(value)) return undefined;
  if (separator === " " && !SECRET_LOOKING.test(value)) return undefined;
  return { from: j, to };
}

/** The text with the value of every secret field replaced by `marker`; `count` once per value. */
export function redactFields(text: string, names: SecretNames, anchor: RegExp, marker: string, count: () => void): string {
  let out = "";
  let copied = 0;
  let scanned = 0;
  anchor.lastIndex = 0;
  for (let m = anchor.exec(text); m !== null; m = anchor.exec(text)) {
    if (m.index < scanned) continue;
    let start = m.index;
    let end = start + m[0].length;
    const minStart = Math.max(scanned, start - MAX_NAME);
    while (start > minStart && isNameChar(text.charCodeAt(start - 1))) start--;
    const maxEnd = Math.min(text.length, end + MAX_NAME);
    while (end < maxEnd && isNameChar(text.charCodeAt(end))) end++;
    // A sentence's full stop or a dash after the name is not part of it.
    while (end > m.index + m[0].length && (text[end - 1] === "." || text[end - 1] === "-")) end--;
    scanned = end;
    anchor.lastIndex = end;
    const before = text[start - 1];
    if (before === "/" || before === "\\") continue;
    const name = text.slice(start, end);
    if (SOURCE_FILE.test(name) || !names.isSecret(name)) continue;
    const value = valueAfter(text, end, name);
    if (!value) continue;
    out += text.slice(copied, value.from) + marker;
    copied = value.to;
    scanned = value.to;
    anchor.lastIndex = value.to;
    count();
  }
  return copied === 0 ? text : out + text.slice(copied);
}
