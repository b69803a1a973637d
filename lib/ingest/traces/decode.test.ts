import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeJson } from "./decode-json";
import { decodeProtobuf } from "./decode-protobuf";
import { normalizeRequest } from "./normalize";
import { defaultLimits } from "../otlp-http/limits";
import { DecodeError } from "../otlp-http/common";
import type { OtlpRequest } from "./otlp";
import { defaultRedactionRules, Redactor } from "../otlp-http/redact";
import { encodeRequest, fixed64 } from "../testing/synthetic";

const traceId = randomBytes(16);
const spanId = randomBytes(8);
const parentSpanId = randomBytes(8);
const start = 1_795_556_270_826_000_123n;
const end = start + 1_234_567_891n;

const json = (body: unknown) => decodeJson(Buffer.from(JSON.stringify(body)));
const redactor = new Redactor(defaultRedactionRules);
/** What ends up stored, which is what both encodings must agree on. */
const stored = (request: OtlpRequest) => normalizeRequest(request, redactor, defaultLimits.span);

const pb = encodeRequest({
  resourceSpans: [
    {
      resource: { attributes: [{ key: "service.name", value: { stringValue: "api" } }], droppedAttributesCount: 3 },
      schemaUrl: "https://opentelemetry.io/schemas/1.26.0",
      scopeSpans: [
        {
          scope: { name: "lib", version: "1", attributes: [{ key: "lib.mode", value: { stringValue: "fast" } }], droppedAttributesCount: 2 },
          schemaUrl: "https://opentelemetry.io/schemas/1.27.0",
          spans: [
            {
              traceId,
              spanId,
              parentSpanId,
              name: "GET /",
              kind: 2,
              startTimeUnixNano: fixed64(start),
              endTimeUnixNano: fixed64(end),
              attributes: [
                { key: "s", value: { stringValue: "x" } },
                { key: "b", value: { boolValue: true } },
                { key: "i", value: { intValue: fixed64(9_007_199_254_740_993n) as never } },
                { key: "small", value: { intValue: -42 } },
                { key: "d", value: { doubleValue: 1.5 } },
                { key: "a", value: { arrayValue: { values: [{ stringValue: "p" }, { intValue: 1 }] } } },
                { key: "kv", value: { kvlistValue: { values: [{ key: "nested", value: { boolValue: false } }] } } },
                { key: "bytes", value: { bytesValue: Buffer.from("hi") } },
                { key: "empty", value: {} },
              ],
              events: [{ timeUnixNano: fixed64(start + 5n), name: "retry", attributes: [{ key: "attempt", value: { intValue: 2 } }] }],
              links: [{ traceId: randomBytes(16), spanId: randomBytes(8), attributes: [] }],
              status: { code: 2, message: "boom" },
              flags: 0x301,
            },
          ],
        },
      ],
    },
  ],
});

const jsonBody = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: "service.name", value: { stringValue: "api" } }], droppedAttributesCount: 3, unknownField: 1 },
      schemaUrl: "https://opentelemetry.io/schemas/1.26.0",
      scopeSpans: [
        {
          scope: { name: "lib", version: "1", attributes: [{ key: "lib.mode", value: { stringValue: "fast" } }], droppedAttributesCount: "2" },
          schemaUrl: "https://opentelemetry.io/schemas/1.27.0",
          spans: [
            {
              traceId: traceId.toString("hex").toUpperCase(),
              spanId: spanId.toString("hex"),
              parentSpanId: parentSpanId.toString("hex"),
              name: "GET /",
              kind: 2,
              startTimeUnixNano: String(start),
              endTimeUnixNano: String(end),
              attributes: [
                { key: "s", value: { stringValue: "x" } },
                { key: "b", value: { boolValue: true } },
                { key: "i", value: { intValue: "9007199254740993" } },
                { key: "small", value: { intValue: -42 } },
                { key: "d", value: { doubleValue: 1.5 } },
                { key: "a", value: { arrayValue: { values: [{ stringValue: "p" }, { intValue: "1" }] } } },
                { key: "kv", value: { kvlistValue: { values: [{ key: "nested", value: { boolValue: false } }] } } },
                { key: "bytes", value: { bytesValue: Buffer.from("hi").toString("base64") } },
                { key: "empty", value: {} },
              ],
              events: [{ timeUnixNano: String(start + 5n), name: "retry", attributes: [{ key: "attempt", value: { intValue: "2" } }] }],
              links: [],
              status: { code: 2, message: "boom" },
              flags: 769,
              futureField: { anything: true },
            },
          ],
        },
      ],
    },
  ],
};

describe("protobuf and JSON", () => {
  it("decode to the same stored span (JSON: hex ids, integer enums, int64 as strings, unknown fields ignored)", () => {
    const [fromPb] = stored(decodeProtobuf(pb));
    const [fromJson] = stored(json(jsonBody));
    const { links: _pbLinks, ...pbSpan } = fromPb!.span!;
    const { links: _jsonLinks, ...jsonSpan } = fromJson!.span!;
    expect(jsonSpan).toEqual(pbSpan);
    expect(pbSpan).toMatchObject({
      name: "GET /",
      kind: 2,
      startNs: start,
      durationNs: 1_234_567_891n,
      statusCode: 2,
      statusMessage: "boom",
      // Typed as received (lib/attributes/stored-value.ts): int64 past 2^53 and bytes are tagged.
      attributes: { s: "x", b: true, i: { $int: "9007199254740993" }, small: -42, d: 1.5, a: ["p", 1], kv: { nested: false }, bytes: { $bytes: "aGk=" }, empty: null },
      events: [{ name: "retry", timeUnixNano: String(start + 5n), attributes: { attempt: 2 } }],
      flags: 0x301,
      scope: { name: "lib", version: "1", attributes: { "lib.mode": "fast" }, droppedAttributesCount: 2, schemaUrl: "https://opentelemetry.io/schemas/1.27.0" },
      resource: { schemaUrl: "https://opentelemetry.io/schemas/1.26.0", droppedAttributesCount: 3 },
    });
  });

  it("accept enum names in JSON too", () => {
    const body = structuredClone(jsonBody);
    Object.assign(body.resourceSpans[0]!.scopeSpans[0]!.spans[0]!, { kind: "SPAN_KIND_CLIENT", status: { code: "STATUS_CODE_OK" } });
    expect(json(body).resourceSpans[0]!.spans[0]).toMatchObject({ kind: 3, statusCode: 1 });
  });

  it("read spans from the deprecated instrumentation_library_spans as well, with the library as their scope", () => {
    const body = { resourceSpans: [{ instrumentationLibrarySpans: [{ instrumentationLibrary: { name: "old-lib", version: "0.1" }, spans: [jsonBody.resourceSpans[0]!.scopeSpans[0]!.spans[0]] }] }] };
    const [fromJson] = stored(json(body));
    expect(fromJson!.span!.scope).toMatchObject({ name: "old-lib", version: "0.1", attributes: {} });
    const fromPb = decodeProtobuf(encodeRequest({ resourceSpans: [{ instrumentationLibrarySpans: [{ instrumentationLibrary: { name: "old-lib", version: "0.1" }, spans: [{ traceId, spanId, name: "x", startTimeUnixNano: fixed64(start), endTimeUnixNano: fixed64(end) }] }] }] }));
    expect(stored(fromPb)[0]!.span!.scope.id).toBe(fromJson!.span!.scope.id);
  });

  it("give spans of different scopes different scope ids, and spans without a scope the same empty one", () => {
    const good = jsonBody.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    const scopes = [{ name: "a" }, { name: "a", version: "2" }, { name: "a", attributes: [{ key: "k", value: { stringValue: "v" } }] }, { name: "a", droppedAttributesCount: 1 }, undefined];
    const entries = stored(json({ resourceSpans: [{ scopeSpans: [...scopes.map((scope) => ({ scope, spans: [good] })), { scope: { name: "a" }, schemaUrl: "u", spans: [good] }, { spans: [good] }] }] }));
    const ids = entries.map((e) => e.span!.scope.id);
    expect(new Set(ids.slice(0, 6)).size).toBe(6);
    expect(ids[6]).toBe(ids[4]);
    expect(entries[4]!.span!.scope).toMatchObject({ name: "", version: "", attributes: {}, droppedAttributesCount: 0, schemaUrl: "" });
  });
});

describe("malformed input", () => {
  it("protobuf: truncated, wrong wire types and invalid UTF-8 are DecodeErrors", () => {
    expect(() => decodeProtobuf(pb.subarray(0, pb.length - 3))).toThrow(DecodeError);
    expect(() => decodeProtobuf(Buffer.from([0x0a, 0x05, 0x0a, 0x03, 0x0a, 0x01, 0xff]))).toThrow(DecodeError);
  });

  it("JSON: says where the problem is", () => {
    expect(() => decodeJson(Buffer.from("[1,2"))).toThrow(/not valid JSON/);
    expect(() => decodeJson(Buffer.from([0x7b, 0xff, 0x7d]))).toThrow(/not valid JSON/);
    expect(() => json({ resourceSpans: {} })).toThrow(/resourceSpans: /);
    expect(() => json({ resourceSpans: [{ scopeSpans: [{ spans: {} }] }] })).toThrow(/resourceSpans\.0\.scopeSpans\.0\.spans: /);
  });

  it("JSON: a span that is not valid is malformed alone, saying where; a bad resource makes each of its spans malformed", () => {
    const good = jsonBody.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    const spans = (body: unknown) => json(body).resourceSpans[0]!.spans;
    expect(spans({ resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: "-1" }, good] }] }] })).toEqual([
      { malformed: "startTimeUnixNano: expected an unsigned 64-bit integer" },
      expect.objectContaining({ name: "GET /" }),
    ]);
    expect(spans({ resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: "18446744073709551616" }] }] }] })).toEqual([{ malformed: expect.stringMatching(/unsigned 64-bit/) }]);
    expect(spans({ resourceSpans: [{ resource: { attributes: [{ key: "k", value: { intValue: "9223372036854775808" } }] }, scopeSpans: [{ spans: [good, good] }] }] })).toEqual([
      { malformed: "resourceSpans.0.resource.attributes.0.value.intValue: expected a 64-bit integer" },
      { malformed: "resourceSpans.0.resource.attributes.0.value.intValue: expected a 64-bit integer" },
    ]);
    // A bad scope makes only its own spans malformed; the other scope's span stands.
    expect(spans({ resourceSpans: [{ scopeSpans: [{ scope: { name: 5 }, spans: [good] }, { scope: { name: "ok" }, spans: [good] }] }] })).toEqual([
      { malformed: "resourceSpans.0.scopeSpans.0.scope.name: Invalid input: expected string, received number" },
      expect.objectContaining({ name: "GET /", scope: expect.objectContaining({ name: "ok" }) }),
    ]);
    // flags is a fixed32: past 2^32 - 1 is not one.
    expect(spans({ resourceSpans: [{ scopeSpans: [{ spans: [{ ...good, flags: 4294967296 }, { ...good, flags: 4294967295 }] }] }] })).toEqual([
      { malformed: "flags: expected an unsigned 32-bit integer" },
      expect.objectContaining({ flags: 4294967295 }),
    ]);
  });
});
