import { isUtf8 } from "node:buffer";
import $protobuf from "protobufjs/minimal.js";
import { opentelemetry } from "../proto/otlp.js";
import { DecodeError, hexOf, MAX_VALUE_DEPTH, NO_SCOPE, uint64, type OtlpScope } from "../otlp-http/common";
import type { OtlpRequest, OtlpSpan } from "./otlp";

type PbSpan = opentelemetry.proto.trace.v1.Span.$Properties;
type PbScopeSpans = opentelemetry.proto.trace.v1.ScopeSpans.$Properties;
type PbLibrarySpans = opentelemetry.proto.trace.v1.InstrumentationLibrarySpans.$Properties;

const ExportTraceServiceRequest = opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

function span(s: PbSpan, scope: OtlpScope): OtlpSpan {
  return {
    traceId: hexOf(s.traceId),
    spanId: hexOf(s.spanId),
    traceState: s.traceState ?? "",
    flags: s.flags ?? 0,
    scope,
    parentSpanId: hexOf(s.parentSpanId),
    name: s.name ?? "",
    kind: s.kind ?? 0,
    startTimeUnixNano: uint64(s.startTimeUnixNano),
    endTimeUnixNano: uint64(s.endTimeUnixNano),
    // The decoded KeyValue messages are passed on as they are: normalisation reads them once.
    attributes: s.attributes ?? [],
    droppedAttributesCount: s.droppedAttributesCount ?? 0,
    events: (s.events ?? []).map((e) => ({
      timeUnixNano: uint64(e.timeUnixNano),
      name: e.name ?? "",
      attributes: e.attributes ?? [],
      droppedAttributesCount: e.droppedAttributesCount ?? 0,
    })),
    droppedEventsCount: s.droppedEventsCount ?? 0,
    links: (s.links ?? []).map((l) => ({
      traceId: hexOf(l.traceId),
      spanId: hexOf(l.spanId),
      traceState: l.traceState ?? "",
      flags: l.flags ?? 0,
      attributes: l.attributes ?? [],
      droppedAttributesCount: l.droppedAttributesCount ?? 0,
    })),
    droppedLinksCount: s.droppedLinksCount ?? 0,
    statusCode: s.status?.code ?? 0,
    statusMessage: s.status?.message ?? "",
  };
}

type PbScope = opentelemetry.proto.common.v1.InstrumentationScope.$Properties;

function scopeOf(scope: PbScope | null | undefined, schemaUrl: string | null | undefined): OtlpScope {
  if (!scope && !schemaUrl) return NO_SCOPE;
  return {
    name: scope?.name ?? "",
    version: scope?.version ?? "",
    attributes: scope?.attributes ?? [],
    droppedAttributesCount: scope?.droppedAttributesCount ?? 0,
    schemaUrl: schemaUrl ?? "",
  };
}

function spansOf(scopes: (PbScopeSpans | PbLibrarySpans)[] | null | undefined, out: OtlpSpan[]): void {
  for (const ss of scopes ?? []) {
    // An InstrumentationLibrary is a scope with a name and version only.
    const scope = scopeOf("instrumentationLibrary" in ss ? ss.instrumentationLibrary : (ss as PbScopeSpans).scope, ss.schemaUrl);
    for (const s of ss.spans ?? []) out.push(span(s, scope));
  }
}

/**
 * Strings checked and decoded by Node. protobufjs 8 refuses string fields that are not UTF-8,
 * as proto3 requires, but does it for strings under 64 bytes (most attribute keys and values)
 * in JavaScript, concatenating eight characters at a time: a fifth of everything ingest
 * allocated per span, and the garbage collection that goes with it.
 */
class NativeUtf8Reader extends $protobuf.BufferReader {
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

const asBuffer = (body: Uint8Array) => (Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));

/** Decodes an `application/x-protobuf` ExportTraceServiceRequest with the generated code. */
export function decodeProtobuf(body: Uint8Array): OtlpRequest {
  let message: opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
  try {
    message = ExportTraceServiceRequest.decode(new NativeUtf8Reader(asBuffer(body)));
  } catch (error) {
    const reason = (error as Error).message;
    // protobufjs's recursion limit, which only attribute values can reach.
    const detail = reason === "max depth exceeded" ? `${reason} (attribute values may nest at most ${MAX_VALUE_DEPTH} levels)` : reason;
    throw new DecodeError(`The body is not a valid protobuf ExportTraceServiceRequest: ${detail}`);
  }
  return {
    resourceSpans: (message.resourceSpans ?? []).map((rs) => {
      const spans: OtlpSpan[] = [];
      spansOf(rs.scopeSpans, spans);
      // Exporters older than OTLP 0.15 put spans here; the field is deprecated but still decoded.
      spansOf(rs.instrumentationLibrarySpans, spans);
      return {
        resource: rs.resource?.attributes ?? [],
        resourceDroppedAttributesCount: rs.resource?.droppedAttributesCount ?? 0,
        schemaUrl: rs.schemaUrl ?? "",
        spans,
      };
    }),
  };
}
