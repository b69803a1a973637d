import { opentelemetry } from "../proto/otlp.js";
import { hexOf, uint64, type OtlpScope } from "../otlp-http/common";
import { decodeMessage, scopeOf } from "../otlp-http/protobuf";
import type { OtlpLogRecord, OtlpLogsRequest } from "./otlp";

type PbLogRecord = opentelemetry.proto.logs.v1.LogRecord.$Properties;
type PbScopeLogs = opentelemetry.proto.logs.v1.ScopeLogs.$Properties;
type PbLibraryLogs = opentelemetry.proto.logs.v1.InstrumentationLibraryLogs.$Properties;

const ExportLogsServiceRequest = opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

function logRecord(r: PbLogRecord, scope: OtlpScope): OtlpLogRecord {
  return {
    timeUnixNano: uint64(r.timeUnixNano),
    observedTimeUnixNano: uint64(r.observedTimeUnixNano),
    severityNumber: r.severityNumber ?? 0,
    severityText: r.severityText ?? "",
    body: r.body ?? null,
    // The decoded KeyValue messages are passed on as they are: normalisation reads them once.
    attributes: r.attributes ?? [],
    droppedAttributesCount: r.droppedAttributesCount ?? 0,
    flags: r.flags ?? 0,
    traceId: hexOf(r.traceId),
    spanId: hexOf(r.spanId),
    eventName: r.eventName ?? "",
    scope,
  };
}

function recordsOf(scopes: (PbScopeLogs | PbLibraryLogs)[] | null | undefined, out: OtlpLogRecord[]): void {
  for (const sl of scopes ?? []) {
    // An InstrumentationLibrary is a scope with a name and version only.
    const scope = scopeOf("instrumentationLibrary" in sl ? sl.instrumentationLibrary : (sl as PbScopeLogs).scope, sl.schemaUrl);
    for (const r of sl.logRecords ?? []) out.push(logRecord(r, scope));
  }
}

/** Decodes an `application/x-protobuf` ExportLogsServiceRequest with the generated code. */
export function decodeLogsProtobuf(body: Uint8Array): OtlpLogsRequest {
  const message = decodeMessage(body, (reader) => ExportLogsServiceRequest.decode(reader), "ExportLogsServiceRequest");
  return {
    resourceLogs: (message.resourceLogs ?? []).map((rl) => {
      const records: OtlpLogRecord[] = [];
      recordsOf(rl.scopeLogs, records);
      // Exporters older than OTLP 0.15 put records here; the field is deprecated but still decoded.
      recordsOf(rl.instrumentationLibraryLogs, records);
      return {
        resource: rl.resource?.attributes ?? [],
        resourceDroppedAttributesCount: rl.resource?.droppedAttributesCount ?? 0,
        schemaUrl: rl.schemaUrl ?? "",
        records,
      };
    }),
  };
}
