/**
 * JSON values as Postgres spells a jsonb value in text, so a reader that decodes stored JSON in
 * Node (a sealed segment's attributes) answers what its SQL over the same jsonb would: `->>`
 * and `jsonb_each_text` (`jsonbText`) and `jsonb::text` (`jsonbOut`). The values are as
 * JSON.parse gives them, and reach Postgres as JSON.stringify writes them.
 */

const EXPONENT = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/;

/**
 * A number as `numeric` prints what JSON.stringify wrote of it. JSON.stringify writes an
 * exponent past 1e21 and below 1e-6, which numeric reads and prints as plain digits, with as
 * many decimals as the text's digits after its point less its exponent.
 */
function numericText(n: number): string {
  // The common case, without the regex: an integer JSON.stringify writes in plain digits (-0 as 0).
  if (Number.isSafeInteger(n)) return String(n);
  const json = JSON.stringify(n);
  const m = EXPONENT.exec(json);
  if (!m) return json;
  const [, sign, whole, fraction = "", exponent] = m;
  const digits = whole! + fraction;
  const point = whole!.length + Number(exponent);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** jsonb's order of an object's keys: shorter (in UTF-8 bytes) first, then bytewise. */
function keyOrder(a: string, b: string): number {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length - y.length || Buffer.compare(x, y);
}

/** The value as `jsonb::text` prints it: `", "` and `": "` between items, object keys in jsonb's order. */
export function jsonbOut(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      // Postgres escapes exactly what JSON.stringify does for a well-formed string (which is all jsonb holds).
      return JSON.stringify(value);
    case "number":
      return numericText(value);
    case "boolean":
      return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(jsonbOut).join(", ")}]`;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o).sort(keyOrder);
  return `{${keys.map((k) => `${JSON.stringify(k)}: ${jsonbOut(o[k])}`).join(", ")}}`;
}

/** The value as `->>` and `jsonb_each_text` give it: a string as itself, JSON null as SQL NULL, anything else as jsonbOut. */
export function jsonbText(value: unknown): string | null {
  if (value === null) return null;
  return typeof value === "string" ? value : jsonbOut(value);
}

/** `o->>key` of a JSON object: NULL when the key is absent. */
export function fieldText(o: Record<string, unknown>, key: string): string | null {
  return Object.hasOwn(o, key) ? jsonbText(o[key]) : null;
}
