import { isUtf8 } from "node:buffer";
import { isSafeNumber, LosslessNumber, parse as parseLossless } from "lossless-json";
import { z } from "zod";
import { FALLBACK, type Fast } from "./json-fast";
import { DecodeError, MAX_VALUE_DEPTH, NO_SCOPE, type AnyValue, type KeyValue, type OtlpScope } from "./common";

// OTLP/JSON, for every signal, is the protobuf JSON mapping with two OTLP rules: trace and span ids are hex (not
// base64) and enums are integers. Field names are lowerCamelCase; unknown fields are ignored
// (z.object strips them) and a null field means its default, as in proto3 JSON. 64-bit
// integers may be strings or numbers: a number keeps every digit (see decodeJson).

/**
 * Thrown by the fast decoding (JSON.parse) on a 64-bit integer sent as a number past 2^53,
 * whose digits JSON.parse has already rounded: the body is decoded again from its text.
 */
class NeedsExactNumbers extends Error {}

const INTEGER_TEXT = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** The exact integer a JSON number's text denotes (1e3, 1.50e1 and 12.0 included), or undefined. */
function exactInteger(text: string): bigint | undefined {
  const m = INTEGER_TEXT.exec(text);
  if (!m) return undefined;
  const [, sign, whole, fraction = "", exp = "0"] = m;
  const digits = (whole! + fraction).replace(/^0+(?=\d)/, "");
  const shift = Number(exp) - fraction.length;
  let n: bigint;
  if (/^0+$/.test(digits)) n = 0n;
  else if (shift >= 0) {
    // More than 20 digits cannot be a 64-bit integer; the cap keeps 1e999999 from allocating.
    if (digits.length + shift > 21) return undefined;
    n = BigInt(digits) * 10n ** BigInt(shift);
  } else {
    const cut = digits.length + shift;
    if (!/^0*$/.test(digits.slice(Math.max(cut, 0)))) return undefined;
    n = cut <= 0 ? 0n : BigInt(digits.slice(0, cut));
  }
  return sign ? -n : n;
}

/** A JSON integer field (string or number) in [min, max], as a bigint. */
function integer(min: bigint, max: bigint, what: string) {
  const message = `expected ${what}`;
  return z.unknown().transform((v, ctx): bigint => {
    let n: bigint | undefined;
    if (typeof v === "number") {
      if (Number.isSafeInteger(v)) n = BigInt(v);
      else if (Number.isInteger(v)) {
        // A whole number past 2^53 from JSON.parse has lost digits; from the exact parse it has not.
        if (!exact) throw new NeedsExactNumbers();
        n = BigInt(v);
      }
    } else if (v instanceof LosslessNumber) n = exactInteger(v.value);
    else if (typeof v === "string" && /^-?\d{1,20}$/.test(v)) n = BigInt(v);
    if (n === undefined || n < min || n > max) {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    return n;
  });
}

/** Set while decoding a body again with lossless-json (decoding is synchronous). */
let exact = false;

const MAX_UINT64 = (1n << 64n) - 1n;
export const uint64 = integer(0n, MAX_UINT64, "an unsigned 64-bit integer")
  .nullish()
  .transform((v) => v ?? 0n);
export const int64 = integer(-(1n << 63n), (1n << 63n) - 1n, "a 64-bit integer");
export const uint32 = integer(0n, 0xffffffffn, "an unsigned 32-bit integer")
  .nullish()
  .transform((v) => (v == null ? 0 : Number(v)));
// fixed32 (span and link flags): the same values as uint32.
export const fixed32 = uint32;

export const text = z.string().nullish().transform((v) => v ?? "");
export const hexId = text.transform((v) => v.toLowerCase());

export function enumOf(names: readonly string[]) {
  return z
    .union([z.number().int(), z.enum(names as [string, ...string[]]).transform((name) => names.indexOf(name))])
    .nullish()
    .transform((v) => v ?? 0);
}

const double = z.union([
  z.number(),
  z.instanceof(LosslessNumber).transform((v) => Number(v.value)),
  z.enum(["NaN", "Infinity", "-Infinity"]).transform(Number),
  z.string().regex(/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/, "expected a number").transform(Number),
]);

const base64 = z
  .string()
  .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, "expected base64")
  .transform((v) => Buffer.from(v, "base64"));

// Values keep the protobuf message shape, as the protobuf decoder hands them on.
const keyValue: z.ZodType<KeyValue> = z.lazy(() => z.object({ key: text, value: anyValue.nullish() }));
export const keyValues = z
  .array(keyValue)
  .nullish()
  .transform((v) => v ?? []);

export const anyValue: z.ZodType<AnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().nullish(),
    boolValue: z.boolean().nullish(),
    intValue: int64.nullish(),
    doubleValue: double.nullish(),
    arrayValue: z.object({ values: z.array(anyValue).nullish() }).nullish(),
    kvlistValue: z.object({ values: z.array(keyValue).nullish() }).nullish(),
    bytesValue: base64.nullish(),
  }),
);


const resource = z.object({ attributes: keyValues, droppedAttributesCount: uint32 }).nullish();

const scope = z
  .object({ name: text, version: text, attributes: keyValues, droppedAttributesCount: uint32 })
  .nullish()
  .transform((v) => v ?? { name: "", version: "", attributes: [], droppedAttributesCount: 0 });


const MAX_REPORTED_ISSUES = 3;

function describeIssues(error: z.ZodError, prefix = ""): string {
  const issues = error.issues.slice(0, MAX_REPORTED_ISSUES).map((i) => `${[prefix, ...i.path].filter((p) => p !== "").join(".") || "(root)"}: ${i.message}`);
  const more = error.issues.length - issues.length;
  return `${issues.join("; ")}${more > 0 ? ` (and ${more} more)` : ""}`;
}

// The deepest legitimate OTLP/JSON nesting: 12 levels from the body to an event attribute's
// value, then 4 per array or kvlist level.
const MAX_JSON_DEPTH = 12 + 4 * MAX_VALUE_DEPTH;

/** Whether parsed JSON nests deeper than `max` (iteratively: the depth is the attacker's). */
function nestsDeeperThan(root: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== "object" || value === null) continue;
    if (depth > max) return true;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** A record the decoder could not read: refused alone, with what was wrong; the rest of the request stands. */
export interface MalformedRecord {
  malformed: string;
}

/** One ResourceSpans or ResourceLogs: its resource, and the records of all its scopes in request order. */
export interface JsonResource<T> {
  resource: readonly KeyValue[];
  resourceDroppedAttributesCount?: number;
  schemaUrl?: string;
  records: (T | MalformedRecord)[];
}

/** Field names of one signal's OTLP/JSON envelope, e.g. resourceSpans / scopeSpans / instrumentationLibrarySpans / spans. */
export interface JsonEnvelopeNames {
  /** The request message, for error messages: "ExportTraceServiceRequest". */
  message: string;
  resources: string;
  scopes: string;
  /** Deprecated since OTLP 0.15, still sent by old exporters. */
  libraries: string;
  records: string;
}

const scopeList = (scopeField: string, recordsField: string) =>
  z
    .array(z.object({ [scopeField]: z.unknown().optional(), schemaUrl: text, [recordsField]: z.array(z.unknown()).nullish() }))
    .nullish()
    .transform((list) =>
      (list ?? []).map((s) => ({ scope: s[scopeField], schemaUrl: s.schemaUrl as string, records: (s[recordsField] as unknown[] | null | undefined) ?? [] })),
    );

/**
 * The envelope is read first, then each resource and scope, then each record on its own, so a
 * record that is not valid OTLP is refused alone (partial_success) and the rest of the batch is
 * stored; a resource or scope that is not valid makes only its own records refused. Each
 * decoded record gets its scope (one object per ScopeSpans or ScopeLogs). `fast`, when given,
 * reads a record first and must give what `record` would, or FALLBACK (json-fast.ts).
 */
export function decodeEnvelope<T extends { scope?: OtlpScope }>(
  parsed: unknown,
  names: JsonEnvelopeNames,
  record: z.ZodType<T, unknown>,
  fast?: (raw: unknown) => Fast<T>,
): { resources: JsonResource<T>[]; hasResources: boolean } {
  const envelope = z.object({
    [names.resources]: z
      .array(z.object({ resource: z.unknown().optional(), schemaUrl: text, [names.scopes]: scopeList("scope", names.records), [names.libraries]: scopeList("instrumentationLibrary", names.records) }))
      .nullish(),
  });
  const result = envelope.safeParse(parsed);
  if (!result.success) throw new DecodeError(`The body is not a valid OTLP/JSON ${names.message}: ${describeIssues(result.error)}`);
  type ScopeList = { scope: unknown; schemaUrl: string; records: unknown[] }[];
  const list = result.data[names.resources] as { resource: unknown; schemaUrl: string; [field: string]: unknown }[] | null | undefined;
  const resources = (list ?? []).map((rs, r): JsonResource<T> => {
    const res = resource.safeParse(rs.resource);
    const lists = [...(rs[names.scopes] as ScopeList), ...(rs[names.libraries] as ScopeList)];
    if (!res.success) {
      const malformed = describeIssues(res.error, `${names.resources}.${r}.resource`);
      return { resource: [], records: lists.flatMap((l) => l.records.map((): MalformedRecord => ({ malformed }))) };
    }
    const records: (T | MalformedRecord)[] = [];
    lists.forEach((l, i) => {
      const sc = scope.safeParse(l.scope);
      if (!sc.success) {
        const malformed = describeIssues(sc.error, `${names.resources}.${r}.${names.scopes}.${i}.scope`);
        for (let k = 0; k < l.records.length; k++) records.push({ malformed });
        return;
      }
      const shared: OtlpScope = l.scope == null && l.schemaUrl === "" ? NO_SCOPE : { ...sc.data, schemaUrl: l.schemaUrl };
      for (const raw of l.records) {
        const quick = fast?.(raw) ?? FALLBACK;
        if (quick !== FALLBACK) {
          quick.scope = shared;
          records.push(quick);
          continue;
        }
        const decoded = record.safeParse(raw);
        if (!decoded.success) {
          records.push({ malformed: describeIssues(decoded.error) });
          continue;
        }
        const ok = decoded.data;
        ok.scope = shared;
        records.push(ok);
      }
    });
    return { resource: res.data?.attributes ?? [], resourceDroppedAttributesCount: res.data?.droppedAttributesCount ?? 0, schemaUrl: rs.schemaUrl, records };
  });
  return { resources, hasResources: list != null };
}

/**
 * Decodes an `application/json` OTLP request (OTLP/JSON encoding) with `decode`, which reads
 * the parsed body (decodeEnvelope).
 *
 * JSON.parse reads every number as a double, which is exact for all but 64-bit integers past
 * 2^53 sent as numbers (as the OpenTelemetry JS exporter does); a body with one is decoded
 * again with lossless-json, which hands such numbers on as their text.
 */
export function decodeOtlpJson<R>(body: Uint8Array, decode: (parsed: unknown) => R): R {
  let source: string;
  let parsed: unknown;
  // isUtf8 and toString (both simdutf) read the text at several times TextDecoder's fatal mode's speed.
  if (!isUtf8(body)) throw new DecodeError("The body is not valid JSON: it is not valid UTF-8.");
  try {
    source = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
    parsed = JSON.parse(source);
  } catch (error) {
    throw new DecodeError(`The body is not valid JSON: ${(error as Error).message}`);
  }
  if (nestsDeeperThan(parsed, MAX_JSON_DEPTH)) {
    throw new DecodeError(`The body nests deeper than OTLP/JSON needs: attribute values (arrays and kvlists) may nest at most ${MAX_VALUE_DEPTH} levels.`);
  }
  try {
    return decode(parsed);
  } catch (error) {
    if (!(error instanceof NeedsExactNumbers)) throw error;
  }
  try {
    parsed = parseLossless(source, null, (t) => (isSafeNumber(t) ? Number(t) : new LosslessNumber(t)));
  } catch (error) {
    throw new DecodeError(`The body is not valid JSON: ${(error as Error).message}`);
  }
  exact = true;
  try {
    return decode(parsed);
  } finally {
    exact = false;
  }
}
