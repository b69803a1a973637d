import { z } from "zod";
import { anyValue, decodeEnvelope, decodeOtlpJson, enumOf, fixed32, hexId, keyValues, text, uint32, uint64 } from "../otlp-http/json";
import { FALLBACK, fastAnyValue, fastEnumNumber, fastKeyValues, fastText, fastUint32, fastUint64, isJsonObject, type Fast } from "../otlp-http/json-fast";
import type { OtlpLogRecord, OtlpLogsRequest } from "./otlp";

const SEVERITY_NAMES = ["UNSPECIFIED", "TRACE", "TRACE2", "TRACE3", "TRACE4", "DEBUG", "DEBUG2", "DEBUG3", "DEBUG4", "INFO", "INFO2", "INFO3", "INFO4", "WARN", "WARN2", "WARN3", "WARN4", "ERROR", "ERROR2", "ERROR3", "ERROR4", "FATAL", "FATAL2", "FATAL3", "FATAL4"];
const severityNumber = enumOf(SEVERITY_NAMES.map((n) => `SEVERITY_NUMBER_${n}`));

/** One LogRecord, as the schema reads it: what fastLogRecord must agree with. */
export const logRecord: z.ZodType<OtlpLogRecord, unknown> = z.object({
  timeUnixNano: uint64,
  observedTimeUnixNano: uint64,
  severityNumber,
  severityText: text,
  body: anyValue.nullish(),
  attributes: keyValues,
  droppedAttributesCount: uint32,
  flags: fixed32,
  traceId: hexId,
  spanId: hexId,
  eventName: text,
});

/** The record as logRecord reads it, for the common forms of each field (otlp-http/json-fast.ts); else FALLBACK. */
export function fastLogRecord(raw: unknown): Fast<OtlpLogRecord> {
  if (!isJsonObject(raw)) return FALLBACK;
  const record = {
    timeUnixNano: fastUint64(raw.timeUnixNano),
    observedTimeUnixNano: fastUint64(raw.observedTimeUnixNano),
    severityNumber: fastEnumNumber(raw.severityNumber),
    severityText: fastText(raw.severityText),
    body: raw.body == null ? raw.body : fastAnyValue(raw.body),
    attributes: fastKeyValues(raw.attributes),
    droppedAttributesCount: fastUint32(raw.droppedAttributesCount),
    flags: fastUint32(raw.flags),
    traceId: fastText(raw.traceId),
    spanId: fastText(raw.spanId),
    eventName: fastText(raw.eventName),
  };
  for (const field in record) if (record[field as keyof typeof record] === FALLBACK) return FALLBACK;
  const r = record as OtlpLogRecord;
  r.traceId = r.traceId.toLowerCase();
  r.spanId = r.spanId.toLowerCase();
  return r;
}

const NAMES = { message: "ExportLogsServiceRequest", resources: "resourceLogs", scopes: "scopeLogs", libraries: "instrumentationLibraryLogs", records: "logRecords" };

/** What decodeJson returns: also whether the body had a `resourceLogs` field (snake_case bodies have none). */
export type JsonLogsRequest = OtlpLogsRequest & { hasResourceLogs: boolean };

function decodeParsed(parsed: unknown): JsonLogsRequest {
  const { resources, hasResources } = decodeEnvelope(parsed, NAMES, logRecord, fastLogRecord);
  return { resourceLogs: resources, hasResourceLogs: hasResources };
}

/** Decodes an `application/json` ExportLogsServiceRequest (OTLP/JSON encoding). */
export function decodeLogsJson(body: Uint8Array): JsonLogsRequest {
  return decodeOtlpJson(body, decodeParsed);
}
