const FORMULA_START = /^[=+\-@\t\r]/;
// A spreadsheet whose list separator is `;` (common outside English locales) splits an
// unquoted-looking field there and ignores our quotes when they do not open the field, so
// what follows a `;` can start a cell of its own.
const FORMULA_AFTER_SEMICOLON = /;(\s*)(?=[=+\-@\t\r])/g;

/**
 * CSV for spreadsheets (RFC 4180), with OWASP's CSV-injection advice: a cell a spreadsheet
 * would run as a formula (it starts with = + - @, a tab or a carriage return) gets a leading
 * apostrophe, and so does each such part after a `;` inside a cell (`x;=cmd|…` → `x;'=cmd|…`).
 * A cell with a comma, semicolon, quote or line break is quoted with its quotes doubled, so a
 * comma-splitting reader never starts a cell inside it.
 */
export function csvCell(value: unknown): string {
  if (value == null) return "";
  const raw = value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  const inner = raw.replace(FORMULA_AFTER_SEMICOLON, ";$1'");
  const safe = FORMULA_START.test(inner) ? `'${inner}` : inner;
  return /[",;\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One CSV record with its CRLF terminator. */
export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
