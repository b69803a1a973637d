import type { AnyValue, KeyValue } from "./common";

/**
 * Plain-JavaScript readers for the common shapes of OTLP/JSON fields, for record decoders that
 * try them before their zod schema (json.ts), which costs several times more per record. Each
 * gives exactly what the schema would give, or FALLBACK when the input is anything else: an
 * unusual form (a 64-bit integer past 2^53, a double as text, bytes), a wrong type, a value the
 * schema refuses. Then the schema reads the record, and says what is wrong with it.
 */
export const FALLBACK: unique symbol = Symbol("fallback");
export type Fast<T> = T | typeof FALLBACK;

// At most 19 digits is always below 2^63: no range check needed.
const UNSIGNED_DIGITS = /^\d{1,19}$/;
const SIGNED_DIGITS = /^-?\d{1,18}$/;

/** A JSON object (not an array), as z.object takes. */
export const isJsonObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** uint64 (json.ts): a safe non-negative integer, decimal text, or null/absent (0). */
export function fastUint64(v: unknown): Fast<bigint> {
  if (v == null) return 0n;
  if (typeof v === "string") return UNSIGNED_DIGITS.test(v) ? BigInt(v) : FALLBACK;
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? BigInt(v) : FALLBACK;
}

/** uint32 and fixed32 (json.ts): a number in range, or null/absent (0). */
export function fastUint32(v: unknown): Fast<number> {
  if (v == null) return 0;
  // -0 is read as 0, as the schema's BigInt does.
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffffffff ? v + 0 : FALLBACK;
}

/** text (json.ts): a string, or null/absent (""). */
export function fastText(v: unknown): Fast<string> {
  if (v == null) return "";
  return typeof v === "string" ? v : FALLBACK;
}

/** An enum field (enumOf in json.ts) sent as its number, or null/absent (0); names go to the schema. */
export function fastEnumNumber(v: unknown): Fast<number> {
  if (v == null) return 0;
  return typeof v === "number" && Number.isSafeInteger(v) ? v : FALLBACK;
}

/** A nullish field as the schema passes it on: null stays null, absent stays absent. */
function nullish<T>(v: unknown, read: (v: unknown) => Fast<T>): Fast<T | null | undefined> {
  return v == null ? v : read(v);
}

function int64(v: unknown): Fast<bigint> {
  if (typeof v === "string") return SIGNED_DIGITS.test(v) ? BigInt(v) : FALLBACK;
  return typeof v === "number" && Number.isSafeInteger(v) ? BigInt(v) : FALLBACK;
}

const string = (v: unknown): Fast<string> => (typeof v === "string" ? v : FALLBACK);
const boolean = (v: unknown): Fast<boolean> => (typeof v === "boolean" ? v : FALLBACK);
const number = (v: unknown): Fast<number> => (typeof v === "number" ? v : FALLBACK);

function list<T>(v: unknown, read: (item: unknown) => Fast<T>): Fast<T[]> {
  if (!Array.isArray(v)) return FALLBACK;
  const out: T[] = new Array<T>(v.length);
  for (let i = 0; i < v.length; i++) {
    const item = read(v[i]);
    if (item === FALLBACK) return FALLBACK;
    out[i] = item;
  }
  return out;
}

/** An `{ values: [...] }` wrapper of arrayValue and kvlistValue. */
function values<T>(v: unknown, read: (item: unknown) => Fast<T>): Fast<{ values?: T[] | null }> {
  if (!isJsonObject(v)) return FALLBACK;
  if (!("values" in v)) return {};
  const items = nullish(v.values, (x) => list(x, read));
  return items === FALLBACK ? FALLBACK : { values: items };
}

/** The readers of anyValue's fields; bytes (base64) always go to the schema. */
const VALUE_FIELDS = new Map<string, (v: unknown) => Fast<unknown>>([
  ["stringValue", string],
  ["boolValue", boolean],
  ["intValue", int64],
  ["doubleValue", number],
  ["arrayValue", (v) => values(v, fastAnyValue)],
  ["kvlistValue", (v) => values(v, fastKeyValue)],
  ["bytesValue", () => FALLBACK],
]);

// Nesting needs no limit here: the parsed body's depth is checked before any record is read.
/** anyValue (json.ts): its fields in the forms above, each null kept as null; unknown fields ignored, as the schema strips them. */
export function fastAnyValue(v: unknown): Fast<AnyValue> {
  if (!isJsonObject(v)) return FALLBACK;
  const out: Record<string, unknown> = {};
  for (const key in v) {
    const read = VALUE_FIELDS.get(key);
    if (!read) continue;
    const value = nullish(v[key], read);
    if (value === FALLBACK) return FALLBACK;
    out[key] = value;
  }
  return out as AnyValue;
}

function fastKeyValue(v: unknown): Fast<KeyValue> {
  if (!isJsonObject(v)) return FALLBACK;
  const key = fastText(v.key);
  if (key === FALLBACK) return FALLBACK;
  if (!("value" in v)) return { key };
  const value = nullish(v.value, fastAnyValue);
  return value === FALLBACK ? FALLBACK : { key, value };
}

/** keyValues (json.ts): an array of key-value pairs, or null/absent ([]). */
export function fastKeyValues(v: unknown): Fast<KeyValue[]> {
  return v == null ? [] : list(v, fastKeyValue);
}
