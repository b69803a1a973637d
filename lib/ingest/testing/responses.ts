import protobuf from "protobufjs";

// The response messages of the current OTLP spec and google.rpc.Status, as a protobufjs
// reflection root built from a descriptor: tests decode what the handler encodes by hand.
const root = protobuf.Root.fromJSON({
  nested: {
    ExportTraceServiceResponse: { fields: { partialSuccess: { type: "ExportTracePartialSuccess", id: 1 } } },
    ExportTracePartialSuccess: { fields: { rejectedSpans: { type: "int64", id: 1 }, errorMessage: { type: "string", id: 2 } } },
    Status: { fields: { code: { type: "int32", id: 1 }, message: { type: "string", id: 2 } } },
  },
});

const toObject = { longs: Number, defaults: false } as const;

export function decodeExportResponse(body: Uint8Array): { partialSuccess?: { rejectedSpans?: number; errorMessage?: string } } {
  const type = root.lookupType("ExportTraceServiceResponse");
  return type.toObject(type.decode(body), toObject);
}

export function decodeStatus(body: Uint8Array): { code?: number; message?: string } {
  const type = root.lookupType("Status");
  return type.toObject(type.decode(body), toObject);
}
