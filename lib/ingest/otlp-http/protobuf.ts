import { isUtf8 } from "node:buffer";
import $protobuf from "protobufjs/minimal.js";
import { opentelemetry } from "../proto/otlp.js";
import { DecodeError, MAX_VALUE_DEPTH, NO_SCOPE, type OtlpScope } from "./common";

/** What every signal's protobuf decoding shares: the reader, the scope, the error. */

type PbScope = opentelemetry.proto.common.v1.InstrumentationScope.$Properties;

export function scopeOf(scope: PbScope | null | undefined, schemaUrl: string | null | undefined): OtlpScope {
  if (!scope && !schemaUrl) return NO_SCOPE;
  return {
    name: scope?.name ?? "",
    version: scope?.version ?? "",
    attributes: scope?.attributes ?? [],
    droppedAttributesCount: scope?.droppedAttributesCount ?? 0,
    schemaUrl: schemaUrl ?? "",
  };
}

/**
 * Strings checked and decoded by Node. protobufjs 8 refuses string fields that are not UTF-8,
 * as proto3 requires, but does it for strings under 64 bytes (most attribute keys and values)
 * in JavaScript, concatenating eight characters at a time: a fifth of everything ingest
 * allocated per span, and the garbage collection that goes with it.
 */
export class NativeUtf8Reader extends $protobuf.BufferReader {
  override stringVerify(): string {
    const length = this.size();
    const start = this.pos;
    const end = start + length;
    if (end > this.len) throw new RangeError(`index out of range: ${start} + ${length} > ${this.len}`);
    this.pos = end;
    const buf = this.buf as Buffer;
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (buf[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (!ascii && !isUtf8(buf.subarray(start, end))) throw new Error("invalid UTF-8 in a string field");
    return buf.toString(ascii ? "latin1" : "utf8", start, end);
  }
}

export const asBuffer = (body: Uint8Array) => (Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));


/** A message decoded from the body with the generated code, or the 400 saying why not. */
export function decodeMessage<M>(body: Uint8Array, decode: (reader: $protobuf.Reader) => M, message: string): M {
  try {
    return decode(new NativeUtf8Reader(asBuffer(body)));
  } catch (error) {
    const reason = (error as Error).message;
    // protobufjs's recursion limit, which only attribute values can reach.
    const detail = reason === "max depth exceeded" ? `${reason} (attribute values may nest at most ${MAX_VALUE_DEPTH} levels)` : reason;
    throw new DecodeError(`The body is not a valid protobuf ${message}: ${detail}`);
  }
}
