/**
 * Trace search's number cells (migration 0010) computed in the server: the cells of every
 * number in a trace's attribute summary, as `key<US>cell`, exactly as the SQL function
 * trace_attribute_number_cells computes them from the summary's jsonb. Ingest sends them with
 * the summary (`traces.attribute_number_cells`), so Postgres does not run that function, about
 * a quarter of its CPU per ingested span, for every trace it stores.
 */

const UNIT_SEPARATOR = "\u001f";
/** Exponents past ±20 share one cell per sign, without digits. */
const MAX_EXPONENT = 20;

/**
 * The significant digits (no leading zeros) and the decimal exponent of a positive finite
 * number's shortest decimal text, which is what JSON carries into jsonb: 1.25e-7 is "125", -7.
 * A bigint (an int64 past 2^53) is its exact digits, as the summary writes it.
 */
function decimalOf(a: number | bigint): { digits: string; exponent: number } {
  const text = a.toString();
  const e = text.indexOf("e");
  const mantissa = e < 0 ? text : text.slice(0, e);
  const shift = e < 0 ? 0 : Number(text.slice(e + 1));
  const point = mantissa.indexOf(".");
  const whole = point < 0 ? mantissa : mantissa.slice(0, point);
  const all = point < 0 ? mantissa : whole + mantissa.slice(point + 1);
  let zeros = 0;
  while (all[zeros] === "0") zeros++;
  return { digits: all.slice(zeros), exponent: whole.length - 1 + shift - zeros };
}

/** attribute_number_cells(v) of migration 0010, for a finite number or an exact integer. */
export function numberCells(v: number | bigint): string[] {
  if (v == 0) return ["0"];
  const sign = v < 0 ? "-" : "+";
  const { digits, exponent } = decimalOf(typeof v === "bigint" ? (v < 0n ? -v : v) : Math.abs(v));
  if (exponent > MAX_EXPONENT) return [`${sign}e${MAX_EXPONENT + 1}`];
  if (exponent < -MAX_EXPONENT) return [`${sign}e-${MAX_EXPONENT + 1}`];
  const lead = digits.slice(0, 2).padEnd(2, "0");
  const edge = digits.replace(/0+$/, "").length <= 2 ? "=" : "";
  return [`${sign}e${exponent}`, `${sign}e${exponent}:${lead}${edge}`];
}

/** trace_attribute_number_cells(summary) of migration 0010: distinct, sorted. */
export function traceNumberCells(summary: Readonly<Record<string, readonly unknown[]>>): string[] {
  const cells = new Set<string>();
  for (const key in summary) {
    for (const value of summary[key]!) {
      const exact = typeof value === "bigint" || (typeof value === "number" && Number.isFinite(value));
      if (!exact) continue;
      for (const cell of numberCells(value as number | bigint)) cells.add(`${key}${UNIT_SEPARATOR}${cell}`);
    }
  }
  return [...cells].sort();
}
