import { describe, expect, it } from "vitest";
import { defaultIngestConfig } from "../otlp-http/config";
import { Redactor } from "../otlp-http/redact";
import { normalizeLogsRequest } from "./normalize";
import type { OtlpLogsRequest } from "./otlp";

const scope = { name: "lib", version: "1.2", attributes: [], droppedAttributesCount: 0, schemaUrl: "" };
const none = { severityNumber: 0, severityText: "", body: null, attributes: [], droppedAttributesCount: 0, flags: 0, traceId: "", spanId: "", eventName: "" };
const request: OtlpLogsRequest = {
  resourceLogs: [
    {
      resource: [{ key: "service.name", value: { stringValue: "orders" } }],
      records: [
        {
          timeUnixNano: 1764979200123456789n,
          observedTimeUnixNano: 1764979200123456999n,
          severityNumber: 17,
          severityText: "ERROR",
          body: {
            kvlistValue: {
              values: [
                { key: "msg", value: { stringValue: "deadlock on row 7" } },
                { key: "n", value: { intValue: 9007199254740993n } },
                { key: "d", value: { doubleValue: 2 } },
                { key: "b", value: { bytesValue: new Uint8Array([1, 2]) } },
              ],
            },
          },
          attributes: [
            { key: "tenant.id", value: { stringValue: "acme" } },
            { key: "password", value: { stringValue: "hunter2" } },
            { key: "a", value: { arrayValue: { values: [{ boolValue: true }, { stringValue: "x\u0000y\n" }] } } },
          ],
          droppedAttributesCount: 2,
          flags: 0x80000001,
          traceId: "0af7651916cd43dd8448eb211c80319c",
          spanId: "b7ad6b7169203331",
          eventName: "db.deadlock",
          scope,
        },
        { ...none, timeUnixNano: 0n, observedTimeUnixNano: 5n },
        { ...none, timeUnixNano: 7n, observedTimeUnixNano: 0n, severityNumber: 9, severityText: "INFO", body: { stringValue: "plain" }, flags: 1, traceId: "0".repeat(32), spanId: "0".repeat(16) },
      ],
    },
  ],
};

describe("a log record's identity", () => {
  it("is the id earlier versions gave the same record: a retry across an upgrade stores nothing twice", () => {
    const entries = normalizeLogsRequest(request, new Redactor(defaultIngestConfig.redaction), defaultIngestConfig.limits.span);
    // Computed by the session 9 code (a SHA-256 of the JSON-stringified fields); pinned.
    expect(entries.map((e) => e.record?.recordId)).toEqual(["-6792712125905765977", "1344293211066434162", "-6839652350036298034"]);
  });
});
