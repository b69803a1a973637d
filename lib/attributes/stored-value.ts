/**
 * How attribute values are stored in the jsonb columns (spans.attributes, events, links,
 * resources.attributes), keeping OTLP's type and exact value. JSON says most values exactly as
 * they are: strings, booleans, integers within ±(2^53 − 1) as numbers, doubles with a fraction
 * as numbers, arrays as arrays, kvlists as objects; readers and SQL (`->>`, `@>`, numeric
 * search) use them as they always have. The rest is a one-key object naming its type:
 *
 *   {"$int": "9007199254740993"}           int64 past 2^53 (decimal text: every digit)
 *   {"$double": 3} / {"$double": "NaN"}    a double that is whole, −0, NaN or ±Infinity
 *   {"$bytes": "aGk="}                     bytes, as base64
 *   {"$kvlist": {"$int": "x"}}             a kvlist that would read as one of these tags
 */

export type StoredValue = string | number | boolean | null | StoredValue[] | { [key: string]: StoredValue };

const INT = "$int";
const DOUBLE = "$double";
const BYTES = "$bytes";
const KVLIST = "$kvlist";
const TAGS: ReadonlySet<string> = new Set([INT, DOUBLE, BYTES, KVLIST]);

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** An int64 as stored: a JSON number when exact, else its decimal text, tagged. */
export function storedInt(n: bigint): StoredValue {
  return n >= MIN_SAFE && n <= MAX_SAFE ? Number(n) : { [INT]: n.toString() };
}

/** Doubles JSON cannot write as such: NaN and ±Infinity (no JSON number), −0 (written as 0). */
function doubleText(d: number): string | undefined {
  if (Number.isNaN(d)) return "NaN";
  if (d === Infinity) return "Infinity";
  if (d === -Infinity) return "-Infinity";
  if (Object.is(d, -0)) return "-0";
  return undefined;
}

/** A double in the protobuf JSON mapping: a number, or "NaN", "Infinity", "-Infinity", "-0". */
export function doubleJson(d: number): number | string {
  return doubleText(d) ?? d;
}

/** A double as stored: a JSON number when it has a fraction (it cannot read as an int), else tagged. */
export function storedDouble(d: number): StoredValue {
  const text = doubleText(d);
  if (text !== undefined) return { [DOUBLE]: text };
  return Number.isInteger(d) ? { [DOUBLE]: d } : d;
}

export function storedBytes(bytes: Uint8Array): StoredValue {
  return { [BYTES]: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64") };
}

/** A kvlist's object as stored: escaped when its only key is a tag, so it never reads as a tagged value. */
export function storedKvlist(entries: { [key: string]: StoredValue }): StoredValue {
  let only: string | undefined;
  let count = 0;
  for (const key in entries) {
    only = key;
    if (++count > 1) return entries;
  }
  return count === 1 && TAGS.has(only!) ? { [KVLIST]: entries } : entries;
}

/** A stored value with its OTLP type, as readers (span detail, export) need it. */
export type TypedValue =
  | { type: "string"; value: string }
  | { type: "bool"; value: boolean }
  | { type: "int"; value: bigint }
  | { type: "double"; value: number }
  | { type: "bytes"; base64: string }
  | { type: "array"; values: TypedValue[] }
  | { type: "kvlist"; entries: [string, TypedValue][] }
  | { type: "empty" };

function tagOf(value: object): [string, unknown] | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1 || !TAGS.has(keys[0]!)) return undefined;
  return [keys[0]!, (value as Record<string, unknown>)[keys[0]!]];
}

function parseDouble(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (v === "NaN" || v === "Infinity" || v === "-Infinity" || v === "-0") return Number(v);
  return undefined;
}

function kvlist(object: object): TypedValue {
  return { type: "kvlist", entries: Object.entries(object).map(([k, v]) => [k, typedValue(v)]) };
}

/**
 * The OTLP type and value of a stored value. Rows written before typed storage read as they
 * were stored: a whole double as an int, an int past 2^53 or a NaN as the string it became.
 */
export function typedValue(value: unknown): TypedValue {
  if (typeof value === "string") return { type: "string", value };
  if (typeof value === "boolean") return { type: "bool", value };
  if (typeof value === "number") return Number.isSafeInteger(value) ? { type: "int", value: BigInt(value) } : { type: "double", value };
  if (Array.isArray(value)) return { type: "array", values: value.map(typedValue) };
  if (value === null || typeof value !== "object") return { type: "empty" };
  const tag = tagOf(value);
  if (!tag) return kvlist(value);
  const [name, inner] = tag;
  if (name === INT && typeof inner === "string" && /^-?\d+$/.test(inner)) return { type: "int", value: BigInt(inner) };
  const double = name === DOUBLE ? parseDouble(inner) : undefined;
  if (double !== undefined) return { type: "double", value: double };
  if (name === BYTES && typeof inner === "string") return { type: "bytes", base64: inner };
  if (name === KVLIST && inner !== null && typeof inner === "object" && !Array.isArray(inner)) return kvlist(inner);
  return kvlist(value);
}

/**
 * A stored int or double as a number (int64 past 2^53 rounded), for the few attributes ingest
 * reads as numbers (sampling ratio, attempt); anything else is undefined.
 */
export function storedNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const typed = typedValue(value);
  return typed.type === "int" ? Number(typed.value) : typed.type === "double" ? typed.value : undefined;
}

/**
 * A stored number exactly, for trace search's summary: a plain number, or an int64 past 2^53
 * as a bigint, or a whole double as its number; undefined for anything else (NaN, ±Infinity
 * and −0 are not searched as numbers).
 */
export function searchableNumber(value: unknown): number | bigint | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const tag = tagOf(value);
  if (!tag) return undefined;
  if (tag[0] === INT && typeof tag[1] === "string" && /^-?\d+$/.test(tag[1])) return BigInt(tag[1]);
  if (tag[0] === DOUBLE && typeof tag[1] === "number" && Number.isFinite(tag[1])) return tag[1];
  return undefined;
}
