import { describe, expect, it } from "vitest";
import { encodingOf, exportResponseBody, statusBody } from "./response";
import { decodeExportResponse, decodeStatus } from "../testing/responses";

describe("encodingOf", () => {
  it("reads the media type, ignoring parameters and case", () => {
    expect(encodingOf("application/x-protobuf")).toBe("protobuf");
    expect(encodingOf("Application/JSON; charset=utf-8")).toBe("json");
    expect(encodingOf("application/protobuf")).toBe("protobuf");
    expect(encodingOf("text/plain")).toBeUndefined();
    expect(encodingOf(null)).toBeUndefined();
  });
});

describe("response bodies", () => {
  it("encode ExportTraceServiceResponse with partial_success in protobuf, and nothing when all was accepted", () => {
    expect(exportResponseBody("protobuf")).toHaveLength(0);
    const body = exportResponseBody("protobuf", { field: "rejectedSpans", rejected: 3, errorMessage: "Refused 3 of 5 spans: …" }) as Uint8Array;
    expect(decodeExportResponse(body)).toEqual({ partialSuccess: { rejectedSpans: 3, errorMessage: "Refused 3 of 5 spans: …" } });
  });

  it("use the protobuf JSON mapping in JSON (int64 as a string)", () => {
    expect(JSON.parse(exportResponseBody("json", { field: "rejectedSpans", rejected: 1, errorMessage: "x" }) as string)).toEqual({ partialSuccess: { rejectedSpans: "1", errorMessage: "x" } });
  });

  it("encode google.rpc.Status", () => {
    expect(decodeStatus(statusBody("protobuf", 3, "bad body") as Uint8Array)).toEqual({ code: 3, message: "bad body" });
    expect(JSON.parse(statusBody("json", 14, "later") as string)).toEqual({ code: 14, message: "later" });
  });
});
