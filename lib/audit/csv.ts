/**
 * CSV for spreadsheets (RFC 4180): a cell a spreadsheet would run as a formula (it starts with
 * = + - @, a tab or a carriage return) gets a leading apostrophe (OWASP CSV injection), and a
 * cell with a comma, quote or line break is quoted with its quotes doubled.
 */
export function csvCell(value: unknown): string {
  if (value == null) return "";
  const raw = value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  const safe = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One CSV record with its CRLF terminator. */
export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
