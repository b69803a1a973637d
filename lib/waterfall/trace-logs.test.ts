import { describe, expect, it } from "vitest";
import type { LogLine } from "@/lib/logs/read";
import { pageOf } from "./testing";
import { TraceModelBuilder } from "./trace-model";
import { lineLevel, logBodyText, logMarkers, logOffsetNs, traceLogsUrl } from "./trace-logs";

const START_US = "1764900000123456";

function line(over: Partial<LogLine>): LogLine {
  return {
    tenantId: "acme", timeNs: `${START_US}000`, observedTimeNs: null, severityNumber: 9, severityText: "info", bodyType: "string",
    body: "ok", attributes: {}, traceId: "a".repeat(32), spanId: null, flags: 0, eventName: null, service: "web", ...over,
  };
}

describe("the trace view's logs", () => {
  it("places a line at its time since the trace's start, to the nanosecond", () => {
    expect(logOffsetNs(line({ timeNs: `${START_US}000` }), START_US)).toBe(0);
    expect(logOffsetNs(line({ timeNs: "1764900000123457789" }), START_US)).toBe(1789);
    // Clock skew: a line before the trace's first span is before 0, not lost.
    expect(logOffsetNs(line({ timeNs: "1764900000123455000" }), START_US)).toBe(-1000);
  });

  it("marks each span's lines by level, and none for lines without a span or of a span not received", () => {
    const builder = new TraceModelBuilder();
    builder.add(pageOf([{ id: "1", start: 0, duration: 100 }, { id: "2", parent: "1", start: 10, duration: 20 }]));
    const model = builder.build();
    const at = (us: number) => (BigInt(START_US) * 1000n + BigInt(us) * 1000n).toString();
    const markers = logMarkers(
      model,
      [
        line({ spanId: "0000000000000002", timeNs: at(12), severityNumber: 17 }),
        line({ spanId: "0000000000000002", timeNs: at(25), severityNumber: 0, severityText: "WARNING" }),
        line({ spanId: null, timeNs: at(50) }),
        line({ spanId: "00000000000000ff", timeNs: at(60) }),
      ],
      START_US,
    );
    expect([...markers.keys()]).toEqual([model.indexOf.get("0000000000000002")]);
    expect(markers.get(model.indexOf.get("0000000000000002")!)).toEqual([
      { at: 12_000, level: "error" },
      { at: 25_000, level: "warn" },
    ]);
  });

  it("names levels by number first, then by text, else none", () => {
    expect(lineLevel({ severityNumber: 21, severityText: "info" })).toBe("fatal");
    expect(lineLevel({ severityNumber: 0, severityText: "Debug" })).toBe("debug");
    expect(lineLevel({ severityNumber: 0, severityText: "loud" })).toBeNull();
    expect(lineLevel({ severityNumber: 99, severityText: null })).toBeNull();
  });

  it("shows any body as text", () => {
    expect(logBodyText({ body: "plain" })).toBe("plain");
    expect(logBodyText({ body: null })).toBe("(empty)");
  });

  it("asks for one page with only the filters set", () => {
    expect(traceLogsUrl("ab", "acme", {}, null)).toBe("/api/traces/ab/logs?tenant=acme&limit=200");
    expect(traceLogsUrl("ab", "a&b", { severity: "warn", q: "dead lock", span: "00f0" }, "cur")).toBe(
      "/api/traces/ab/logs?tenant=a%26b&limit=200&severity=warn&q=dead+lock&span=00f0&after=cur",
    );
  });
});
