/**
 * What every OTLP signal's request is made of, as the decoders hand it to normalisation: key
 * values keep the protobuf message shape (protobufjs's decoded objects fit it as they are, so
 * the protobuf path copies no attribute), 64-bit integers in whichever form the decoder made.
 */

/** protobufjs returns 64-bit integers as Long ({ low, high }) or, without long.js, numbers. */
export type Int64 = number | bigint | { low: number; high: number; unsigned?: boolean };

export interface AnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: Int64 | null;
  doubleValue?: number | null;
  arrayValue?: { values?: AnyValue[] | null } | null;
  kvlistValue?: { values?: KeyValue[] | null } | null;
  bytesValue?: Uint8Array | null;
}

export interface KeyValue {
  key?: string | null;
  value?: AnyValue | null;
}

/** An InstrumentationScope with the schema URL of its ScopeSpans (or, for logs, ScopeLogs). */
export interface OtlpScope {
  name: string;
  version: string;
  attributes: readonly KeyValue[];
  droppedAttributesCount: number;
  schemaUrl: string;
}

/** The scope of spans sent without one. */
export const NO_SCOPE: OtlpScope = Object.freeze({ name: "", version: "", attributes: [], droppedAttributesCount: 0, schemaUrl: "" });

/**
 * How deep attribute values (arrays and kvlists) may nest. Deeper is refused with a 400: no
 * SDK nests that far, and recursion over an attacker's depth would exhaust the stack. 30 is
 * what protobuf allows anyway: its decoders stop at 100 nested messages (protoc's default, and
 * protobufjs's), and an event attribute's kvlist at level 30 is the 96th.
 */
export const MAX_VALUE_DEPTH = 30;

/** The body is not a valid OTLP request; the message says what is wrong (HTTP 400). */
export class DecodeError extends Error {
  override readonly name = "DecodeError";
}

/** An unsigned 64-bit value as a bigint, from whichever form the decoder produced. */
export function uint64(value: Int64 | null | undefined): bigint {
  if (value == null) return 0n;
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return BigInt(Math.trunc(value));
  return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
}

/** Lowercase hex of an id's bytes; empty for none. */
export function hexOf(bytes: Uint8Array | null | undefined): string {
  if (!bytes || bytes.length === 0) return "";
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString("hex");
}
