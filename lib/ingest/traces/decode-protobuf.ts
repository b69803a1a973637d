import { opentelemetry } from "../proto/otlp.js";
import { hexOf, uint64, type OtlpScope } from "../otlp-http/common";
import { decodeMessage, scopeOf } from "../otlp-http/protobuf";
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

function spansOf(scopes: (PbScopeSpans | PbLibrarySpans)[] | null | undefined, out: OtlpSpan[]): void {
  for (const ss of scopes ?? []) {
    // An InstrumentationLibrary is a scope with a name and version only.
    const scope = scopeOf("instrumentationLibrary" in ss ? ss.instrumentationLibrary : (ss as PbScopeSpans).scope, ss.schemaUrl);
    for (const s of ss.spans ?? []) out.push(span(s, scope));
  }
}

/** Decodes an `application/x-protobuf` ExportTraceServiceRequest with the generated code. */
export function decodeProtobuf(body: Uint8Array): OtlpRequest {
  const message = decodeMessage(body, (reader) => ExportTraceServiceRequest.decode(reader), "ExportTraceServiceRequest");
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
