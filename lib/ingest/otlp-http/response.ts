import protobuf from "protobufjs/minimal.js";

/**
 * OTLP/HTTP responses, in the encoding of the request. The opentelemetry-proto files this
 * project generates from (lib/ingest/proto) predate `partial_success`, so the two small
 * response messages are written field by field, with the numbers of the current spec, which
 * every signal shares (only the count's name differs: rejected_spans, rejected_log_records):
 *   ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
 *   ExportTracePartialSuccess  { int64 rejected_spans = 1; string error_message = 2; }
 *   google.rpc.Status          { int32 code = 1; string message = 2; }
 */

export type Encoding = "protobuf" | "json";

const CONTENT_TYPES: Record<Encoding, string> = {
  protobuf: "application/x-protobuf",
  json: "application/json",
};

/** google.rpc.Code values used in error bodies. */
export const RpcCode = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** The request's encoding from its Content-Type, or undefined when it is not one OTLP has. */
export function encodingOf(contentType: string | null): Encoding | undefined {
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
  // application/x-protobuf is what the OTLP specification names; some SDKs send application/protobuf.
  if (mediaType === "application/x-protobuf" || mediaType === "application/protobuf") return "protobuf";
  if (mediaType === "application/json") return "json";
  return undefined;
}

const tag = (field: number, wireType: number) => (field << 3) | wireType;

/** A partial success: how many records were refused (`field` names the count in JSON, e.g. rejectedSpans) and why. */
export interface PartialSuccess {
  field: string;
  rejected: number;
  errorMessage: string;
}

export function exportResponseBody(encoding: Encoding, partial?: PartialSuccess): Uint8Array | string {
  if (encoding === "json") {
    // int64 is a string in the protobuf JSON mapping.
    return JSON.stringify(partial ? { partialSuccess: { [partial.field]: String(partial.rejected), errorMessage: partial.errorMessage } } : {});
  }
  const writer = protobuf.Writer.create();
  if (partial) {
    writer.uint32(tag(1, 2)).fork();
    if (partial.rejected !== 0) writer.uint32(tag(1, 0)).int64(partial.rejected);
    if (partial.errorMessage !== "") writer.uint32(tag(2, 2)).string(partial.errorMessage);
    writer.ldelim();
  }
  return writer.finish();
}

export function statusBody(encoding: Encoding, code: number, message: string): Uint8Array | string {
  if (encoding === "json") return JSON.stringify({ code, message });
  return protobuf.Writer.create().uint32(tag(1, 0)).int32(code).uint32(tag(2, 2)).string(message).finish();
}

export function otlpResponse(status: number, encoding: Encoding, body: Uint8Array | string, headers: Record<string, string> = {}): Response {
  return new Response(typeof body === "string" ? body : new Uint8Array(body), {
    status,
    headers: { "content-type": CONTENT_TYPES[encoding], "cache-control": "no-store", ...headers },
  });
}
