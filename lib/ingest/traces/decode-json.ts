import { z } from "zod";
import { decodeEnvelope, decodeOtlpJson, enumOf, fixed32, hexId, keyValues, text, uint32, uint64 } from "../otlp-http/json";
import type { DecodedSpan, OtlpRequest, OtlpSpan } from "./otlp";

const spanKind = enumOf(["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"]);
const statusCode = enumOf(["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"]);

const event = z.object({
  timeUnixNano: uint64,
  name: text,
  attributes: keyValues,
  droppedAttributesCount: uint32,
});

const link = z.object({
  traceId: hexId,
  spanId: hexId,
  traceState: text,
  flags: fixed32,
  attributes: keyValues,
  droppedAttributesCount: uint32,
});

const span: z.ZodType<OtlpSpan, unknown> = z
  .object({
    traceId: hexId,
    spanId: hexId,
    traceState: text,
    flags: fixed32,
    parentSpanId: hexId,
    name: text,
    kind: spanKind,
    startTimeUnixNano: uint64,
    endTimeUnixNano: uint64,
    attributes: keyValues,
    droppedAttributesCount: uint32,
    events: z.array(event).nullish().transform((v) => v ?? []),
    droppedEventsCount: uint32,
    links: z.array(link).nullish().transform((v) => v ?? []),
    droppedLinksCount: uint32,
    status: z.object({ code: statusCode, message: text }).nullish(),
  })
  .transform(({ status, ...rest }) => ({ ...rest, statusCode: status?.code ?? 0, statusMessage: status?.message ?? "" }));

const NAMES = { message: "ExportTraceServiceRequest", resources: "resourceSpans", scopes: "scopeSpans", libraries: "instrumentationLibrarySpans", records: "spans" };

/** What decodeJson returns: also whether the body had a `resourceSpans` field (snake_case bodies have none). */
export type JsonRequest = OtlpRequest & { hasResourceSpans: boolean };

function decodeParsed(parsed: unknown): JsonRequest {
  const { resources, hasResources } = decodeEnvelope(parsed, NAMES, span);
  return {
    resourceSpans: resources.map(({ records, ...rs }) => ({ ...rs, spans: records as DecodedSpan[] })),
    hasResourceSpans: hasResources,
  };
}

/** Decodes an `application/json` ExportTraceServiceRequest (OTLP/JSON encoding). */
export function decodeJson(body: Uint8Array): JsonRequest {
  return decodeOtlpJson(body, decodeParsed);
}
