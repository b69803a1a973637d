import { describe, expect, it } from "vitest";
import { defaultLimits, type SpanLimits } from "../otlp-http/limits";
import { normalizeRequest, type NormalizedSpan } from "./normalize";
import type { KeyValue } from "../otlp-http/common";
import type { OtlpSpan } from "./otlp";
import { defaultRedactionRules, Redactor } from "../otlp-http/redact";

const redactor = new Redactor(defaultRedactionRules);
const TRACE = "0af7651916cd43dd8448eb211c80319c";
const SPAN = "b7ad6b7169203331";
const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });

function span(overrides: Partial<OtlpSpan> = {}): OtlpSpan {
  return {
    traceId: TRACE,
    spanId: SPAN,
    parentSpanId: "",
    name: "op",
    kind: 1,
    startTimeUnixNano: 1_700_000_000_000_000_001n,
    endTimeUnixNano: 1_700_000_000_000_000_999n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    statusCode: 0,
    statusMessage: "",
    ...overrides,
  };
}

function normalize(s: OtlpSpan, resource: KeyValue[] = [str("service.name", "api")], limits: SpanLimits = defaultLimits.span) {
  return normalizeRequest({ resourceSpans: [{ resource, spans: [s] }] }, redactor, limits)[0]!;
}

function stored(s: OtlpSpan, resource?: KeyValue[], limits?: SpanLimits): NormalizedSpan {
  const entry = normalize(s, resource, limits);
  if (!entry.span) throw new Error(`refused: ${entry.refused}`);
  return entry.span;
}

describe("ids and times", () => {
  it("map to the schema's uuid and signed bigints, keeping nanoseconds of the duration", () => {
    const s = stored(span({ spanId: "ffffffffffffffff", parentSpanId: "0000000000000001" }));
    expect(s).toMatchObject({ traceId: "0af76519-16cd-43dd-8448-eb211c80319c", spanId: "-1", parentSpanId: "1", durationNs: 998n, service: "api" });
  });

  it("treat an all-zero parent as no parent", () => {
    expect(stored(span({ parentSpanId: "0000000000000000" })).parentSpanId).toBeNull();
  });

  it.each([
    ["no trace id", { traceId: "" }, "invalid_trace_id"],
    ["an all-zero trace id", { traceId: "0".repeat(32) }, "invalid_trace_id"],
    ["a short trace id", { traceId: "abc" }, "invalid_trace_id"],
    ["an all-zero span id", { spanId: "0".repeat(16) }, "invalid_span_id"],
    ["a span id that is not hex", { spanId: "zz".repeat(8) }, "invalid_span_id"],
    ["a short parent id", { parentSpanId: "abcd" }, "invalid_parent_span_id"],
    ["no start time", { startTimeUnixNano: 0n }, "missing_start_time"],
    ["an end before the start", { endTimeUnixNano: 1n }, "ends_before_start"],
    ["a 401-day duration", { endTimeUnixNano: 1_700_000_000_000_000_001n + 401n * 86_400_000_000_000n }, "implausible_duration"],
  ] as const)("refuse a span with %s as %s", (_case, overrides, reason) => {
    expect(normalize(span(overrides))).toEqual({ refused: reason });
  });

  it("fall back to unset for kinds and status codes OTLP does not define", () => {
    expect(stored(span({ kind: 9, statusCode: 7 }))).toMatchObject({ kind: 0, statusCode: 0 });
  });
});

describe("columns from attributes", () => {
  it("take request.id and tenant.id from the span, else from the resource; service from service.name", () => {
    const fromResource = stored(span(), [str("service.name", "billing"), str("request.id", "req-0001"), str("tenant.id", "acme")]);
    expect(fromResource).toMatchObject({ service: "billing", requestId: "req-0001", tenantClaim: undefined });
    expect(fromResource.resource.tenantClaim).toBe("acme");
    const fromSpan = stored(span({ attributes: [str("request.id", "req-0002"), str("tenant.id", "globex")] }), [str("request.id", "req-0001")]);
    expect(fromSpan).toMatchObject({ requestId: "req-0002", tenantClaim: "globex" });
    expect(stored(span(), []).service).toBe("unknown_service");
  });

  it("keep a tenant.id that is not a string as a claim, so it is refused rather than ignored", () => {
    expect(stored(span({ attributes: [{ key: "tenant.id", value: { intValue: 7 } }] })).tenantClaim).toBe("7");
  });
});

describe("limits", () => {
  const small: SpanLimits = { attributeCount: 2, attributeValueLength: 5, eventCount: 1, linkCount: 1, attributesPerEventOrLink: 1 };

  it("keep the first attributes and count the rest, and repeated keys, as dropped", () => {
    const s = stored(span({ attributes: [str("a", "1"), str("a", "2"), str("b", "3"), str("c", "4")], droppedAttributesCount: 10 }), undefined, small);
    expect(s.attributes).toEqual({ a: "1", b: "3" });
    expect(s.droppedAttributesCount).toBe(12);
    expect(s.limited).toEqual({ attributes: 2, events: 0, links: 0, truncatedValues: 0 });
  });

  it("cut long strings (values, keys, names, event names) and count each cut", () => {
    const s = stored(span({ name: "a long name", attributes: [str("k", "abcdefgh"), str("longkey", "x")], events: [{ name: "eventful", timeUnixNano: 5n, attributes: [], droppedAttributesCount: 0 }] }), undefined, small);
    expect(s.name).toBe("a lon");
    expect(s.attributes).toEqual({ k: "abcde", longk: "x" });
    expect(s.events[0]!.name).toBe("event");
    expect(s.limited.truncatedValues).toBe(4);
  });

  it("mark a cut value with its original length when the limit has room for the marker", () => {
    const s = stored(span({ attributes: [str("sql", "y".repeat(100))] }), undefined, { ...defaultLimits.span, attributeValueLength: 50 });
    expect(s.attributes.sql).toBe(`${"y".repeat(50 - "…[truncated from 100 characters]".length)}…[truncated from 100 characters]`);
    expect(s.limited.truncatedValues).toBe(1);
  });

  it("keep the first events and valid links, counting the others as dropped", () => {
    const event = { name: "e", timeUnixNano: 5n, attributes: [str("a", "1"), str("b", "2")], droppedAttributesCount: 0 };
    const s = stored(
      span({
        events: [event, event],
        links: [
          { traceId: "0".repeat(32), spanId: SPAN, attributes: [], droppedAttributesCount: 0 },
          { traceId: TRACE, spanId: SPAN, attributes: [], droppedAttributesCount: 0 },
          { traceId: TRACE, spanId: SPAN, attributes: [], droppedAttributesCount: 0 },
        ],
        droppedEventsCount: 1,
      }),
      undefined,
      small,
    );
    expect(s.events).toEqual([{ name: "e", timeUnixNano: "5", attributes: { a: "1" }, droppedAttributesCount: 1 }]);
    expect(s.links).toEqual([{ traceId: TRACE, spanId: SPAN, attributes: {} }]);
    expect(s).toMatchObject({ droppedEventsCount: 2, droppedLinksCount: 2 });
  });

  it("clamp dropped counts to what the int4 columns hold", () => {
    expect(stored(span({ droppedAttributesCount: 0xffffffff })).droppedAttributesCount).toBe(2 ** 31 - 1);
  });
});

describe("text Postgres would refuse", () => {
  it("loses NUL characters and lone surrogates rather than failing the batch", () => {
    const s = stored(span({ name: "a\0b", attributes: [str("k\0", "\ud800x")] }));
    expect(s.name).toBe("a\uFFFDb");
    expect(s.attributes).toEqual({ "k\uFFFD": "\uFFFDx" });
  });
});

describe("redaction on the way in", () => {
  it("covers attributes, nested values, keys, names, status messages, events, links and the resource, counted per span", () => {
    const s = stored(
      span({
        name: "login bob@example.com",
        statusMessage: "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl expired",
        attributes: [
          str("http.request.header.authorization", "Bearer abc123def456"),
          { key: "headers", value: { kvlistValue: { values: [str("cookie", "sid=1"), str("accept", "json")] } } },
          { key: "recipients", value: { arrayValue: { values: [{ stringValue: "carol@example.com" }] } } },
          str("user.dave@example.com", "seen"),
        ],
        events: [{ name: "exception", timeUnixNano: 5n, attributes: [str("exception.message", "card 4111111111111111 refused")], droppedAttributesCount: 0 }],
        links: [{ traceId: TRACE, spanId: SPAN, attributes: [str("password", "x")], droppedAttributesCount: 0 }],
      }),
      [str("service.name", "api"), str("deployment.owner", "erin@example.com")],
    );
    expect(s.name).toBe("login [REDACTED:email]");
    expect(s.statusMessage).toBe("token [REDACTED:jwt] expired");
    expect(s.attributes).toEqual({
      "http.request.header.authorization": "[REDACTED:sensitive_key]",
      headers: { cookie: "[REDACTED:sensitive_key]", accept: "json" },
      recipients: ["[REDACTED:email]"],
      // The whole "user.dave@example.com" reads as an address.
      "[REDACTED:email]": "seen",
    });
    expect(s.events[0]!.attributes).toEqual({ "exception.message": "card [REDACTED:card] refused" });
    expect(s.links[0]!.attributes).toEqual({ password: "[REDACTED:sensitive_key]" });
    expect(s.redactions).toEqual({ email: 3, jwt: 1, sensitive_key: 3, card: 1 });
    expect(s.resource.attributes).toEqual({ "service.name": "api", "deployment.owner": "[REDACTED:email]" });
    expect(s.resource.redactions).toEqual({ email: 1 });
  });
});
