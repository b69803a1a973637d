/**
 * OTel ids as the schema stores them: the 32-hex trace id goes into a `uuid` column and the
 * 16-hex span id into a signed `bigint` (the same 64 bits, read as two's complement).
 */

const HEX16 = /^[0-9a-f]{16}$/i;
const HEX32 = /^[0-9a-f]{32}$/i;

export function spanIdToBigint(hex: string): bigint {
  if (!HEX16.test(hex)) throw new Error(`Not a 16-hex span id: ${JSON.stringify(hex)}`);
  return checkedSpanIdToBigint(hex);
}

/** spanIdToBigint for an id the caller has already checked (ingest, a span id from a URL). */
export function checkedSpanIdToBigint(hex: string): bigint {
  return BigInt.asIntN(64, BigInt(`0x${hex}`));
}

export function bigintToSpanId(id: bigint): string {
  return BigInt.asUintN(64, id).toString(16).padStart(16, "0");
}

export function traceIdToUuid(hex: string): string {
  if (!HEX32.test(hex)) throw new Error(`Not a 32-hex trace id: ${JSON.stringify(hex)}`);
  return checkedTraceIdUuid(hex.toLowerCase());
}

/** traceIdToUuid for a lowercase id the caller has already checked (ingest, a trace id from a URL). */
export function checkedTraceIdUuid(h: string): string {
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function uuidToTraceId(uuid: string): string {
  const hex = uuid.replace(/-/g, "").toLowerCase();
  if (!HEX32.test(hex)) throw new Error(`Not a uuid: ${JSON.stringify(uuid)}`);
  return hex;
}
