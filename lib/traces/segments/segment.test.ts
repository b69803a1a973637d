import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { storedBytes, storedDouble, storedInt, storedKvlist, type StoredValue } from "@/lib/attributes/stored-value";
import { SegmentError } from "./bytes";
import { decodeColumns, decodeSegment, readSegmentHeader } from "./decode";
import { encodeSegment } from "./encode";
import { FORMAT_VERSION, INT4, INT8, SMALLINT, type SegmentSpan, type SegmentTrace } from "./format";

// decode(encode(rows)) gives back every row exactly, whatever the rows hold; a damaged,
// truncated or unknown-version segment throws instead of yielding rows.

/**
 * A value with everything toEqual overlooks made visible: key order, -0, NaN, bigint vs
 * number, and whether an object is the ordinary kind JSON.parse makes (own `__proto__` keys).
 */
function fingerprint(v: unknown): unknown {
  if (typeof v === "number") return Object.is(v, -0) ? "num:-0" : `num:${v}`;
  if (typeof v === "bigint") return `big:${v}`;
  if (typeof v === "string") return `str:${v}`;
  if (Array.isArray(v)) return ["arr", ...Array.from(v, fingerprint)];
  if (v !== null && typeof v === "object") {
    const proto = Object.getPrototypeOf(v) === Object.prototype ? "obj" : "obj:odd-prototype";
    return [proto, ...Object.keys(v).map((k) => [k, fingerprint((v as Record<string, unknown>)[k])])];
  }
  return v;
}

/** Builds an ordinary object as JSON.parse would, so `__proto__` is an own key like any other. */
function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  return o;
}

const int8 = fc.bigInt({ min: INT8.min, max: INT8.max });
const edgeInt8 = fc.oneof(int8, fc.constantFrom(INT8.min, INT8.max, 0n, -1n, 1n, 2n ** 53n + 1n, -(2n ** 53n) - 1n));
// Any Unicode, NUL included (well formed: UTF-8 columns cannot hold a lone surrogate).
const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 16 }),
  fc.constantFrom("", "\0", "GET /api/projects/:id", "😀", "\uFEFFbom", "0", "-0", "007", "9223372036854775808", "-9223372036854775808"),
);
const key = fc.oneof(text, fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "$int", "$double", "$bytes", "$kvlist", ""));

/** Attribute values as ingest stores them: every OTLP AnyValue type, in its stored form. */
const { stored } = fc.letrec<{ stored: StoredValue }>((tie) => ({
  stored: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    text,
    fc.boolean(),
    fc.constant(null),
    edgeInt8.map(storedInt),
    fc.oneof(fc.double(), fc.constantFrom(-0, NaN, Infinity, -Infinity, 3, 5e-324, Number.MAX_VALUE)).map(storedDouble),
    fc.uint8Array({ maxLength: 8 }).map((b) => storedBytes(b)),
    fc.array(tie("stored"), { maxLength: 3 }),
    fc.array(fc.tuple(key, tie("stored")), { maxLength: 3 }).map((e) => storedKvlist(objectOf(e) as Record<string, StoredValue>)),
  ),
}));

/** Raw JSON-ish values too, with numbers rows cannot hold (-0, NaN): the codec must not care. */
const { raw } = fc.letrec<{ raw: unknown }>((tie) => ({
  raw: fc.oneof(
    { depthSize: "small" },
    text,
    fc.double(),
    fc.integer(),
    fc.constantFrom(null, true, false, -0, NaN, Infinity, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53),
    fc.array(tie("raw"), { maxLength: 3 }),
    fc.array(fc.tuple(key, tie("raw")), { maxLength: 3 }).map(objectOf),
  ),
}));

const attributes = fc.array(fc.tuple(key, fc.oneof(stored, raw)), { maxLength: 6 }).map(objectOf);
const nullableText = fc.option(text, { nil: null });
const timeText = edgeInt8.map(String);
const event = fc
  .record({ name: text, timeUnixNano: timeText, attributes, dropped: fc.nat() })
  .map(({ dropped, ...e }) => (dropped % 3 === 0 ? { ...e, droppedAttributesCount: dropped } : e));
const link = fc.record(
  {
    traceId: fc.stringMatching(/^[0-9a-f]{32}$/),
    spanId: fc.stringMatching(/^[0-9a-f]{16}$/),
    traceState: text,
    flags: fc.nat(),
    attributes,
    droppedAttributesCount: fc.nat(),
  },
  // Ordinary objects, as jsonb reads back: the codec gives back no other kind.
  { requiredKeys: ["traceId", "spanId", "attributes"], noNullPrototype: true },
);
const smallint = fc.integer({ min: SMALLINT.min, max: SMALLINT.max });
const int4 = fc.integer({ min: INT4.min, max: INT4.max });

/** A span; its parent is picked later from the trace's own ids, or left outside it, or none. */
const span = fc.record({
  spanId: fc.oneof(edgeInt8, fc.integer({ min: 1, max: 4 }).map(BigInt)),
  parent: fc.oneof(fc.constant(null), fc.nat(), edgeInt8),
  traceState: nullableText,
  requestId: nullableText,
  service: fc.oneof(text, fc.constantFrom("web-api", "billing-service")),
  name: fc.oneof(text, fc.constantFrom("GET /api/projects/:id", "SELECT")),
  kind: fc.oneof(fc.integer({ min: 0, max: 5 }), smallint),
  startUs: fc.oneof(edgeInt8, fc.bigInt({ min: 1_700_000_000_000_000n, max: 1_700_000_100_000_000n })),
  startSubUsNs: fc.integer({ min: 0, max: 999 }),
  durationNs: fc.oneof(fc.constant(0n), edgeInt8, fc.bigInt({ min: 0n, max: 400n * 86_400n * 10n ** 9n })),
  statusCode: fc.oneof(fc.integer({ min: 0, max: 2 }), smallint),
  statusMessage: nullableText,
  attributes,
  events: fc.array(event, { maxLength: 3 }),
  links: fc.array(link, { maxLength: 2 }),
  resourceId: fc.oneof(edgeInt8, fc.constantFrom(1n, 2n)),
  scopeId: fc.oneof(fc.constant(null), edgeInt8, fc.constantFrom(1n, 2n)),
  flags: fc.oneof(fc.constantFrom(0, 256, 768, -1), int4),
  droppedAttributesCount: int4,
  droppedEventsCount: int4,
  droppedLinksCount: int4,
});

const trace: fc.Arbitrary<SegmentTrace> = fc
  .record({ tenantId: text, traceId: fc.uuid().map((u) => u.toLowerCase()), spans: fc.array(span, { maxLength: 12 }) })
  .map(({ spans, ...t }) => ({
    ...t,
    spans: spans.map(({ spanId, parent, ...s }): SegmentSpan => {
      // A small parent picks a span of this trace (duplicate ids included); a bigint is one outside it.
      const parentSpanId = parent === null ? null : typeof parent === "number" ? spans[parent % spans.length]!.spanId : parent;
      return { spanId, parentSpanId, ...s };
    }),
  }));

const demoSpan = (i: number, over: Partial<SegmentSpan> = {}): SegmentSpan => ({
  spanId: BigInt(1000 + i),
  parentSpanId: i === 0 ? null : 1000n,
  traceState: null,
  requestId: "req-1",
  service: "web-api",
  name: "GET /api/projects/:id",
  kind: 2,
  startUs: 1_764_000_000_000_000n + BigInt(i) * 1500n,
  startSubUsNs: 0,
  durationNs: 12_000_000n,
  statusCode: 0,
  statusMessage: null,
  attributes: { "http.request.method": "GET", "http.response.status_code": 200 },
  events: [],
  links: [],
  resourceId: 42n,
  scopeId: 7n,
  flags: 256,
  droppedAttributesCount: 0,
  droppedEventsCount: 0,
  droppedLinksCount: 0,
  ...over,
});
const demoTrace: SegmentTrace = {
  tenantId: "acme",
  traceId: "4bf92f35-77b3-4da6-a3ce-929d0e0e4736",
  spans: Array.from({ length: 40 }, (_, i) => demoSpan(i)),
};

describe("segment codec", () => {
  it("gives back every row exactly, whatever it holds, with each codec", () => {
    fc.assert(
      fc.property(trace, fc.constantFrom("brotli", "gzip", "none") as fc.Arbitrary<"brotli" | "gzip" | "none">, (t, codec) => {
        const decoded = decodeSegment(encodeSegment(t, { codec, level: codec === "brotli" ? 4 : 6 }));
        expect(fingerprint(decoded)).toEqual(fingerprint(t));
      }),
      { numRuns: 300 },
    );
  });

  it("gives the same values as columns, with parents resolved to their rows", () => {
    fc.assert(
      fc.property(trace, (t) => {
        const c = decodeColumns(encodeSegment(t), { json: false });
        expect(c.count).toBe(t.spans.length);
        expect(c.json).toBeUndefined();
        t.spans.forEach((s, i) => {
          expect(c.spanId[i]).toBe(s.spanId);
          expect(c.startUs[i]).toBe(s.startUs);
          expect(c.durationNs[i]).toBe(s.durationNs);
          expect(c.strings[c.name[i]!]).toBe(s.name);
          expect(c.hasParent[i]).toBe(s.parentSpanId === null ? 0 : 1);
          const inTrace = s.parentSpanId === null ? -1 : t.spans.findIndex((p) => p.spanId === s.parentSpanId);
          expect(c.parentIndex[i]).toBe(inTrace);
          if (s.parentSpanId !== null) expect(c.parentSpanId[i]).toBe(s.parentSpanId);
        });
      }),
      { numRuns: 100 },
    );
  });

  it("decodes only the JSON columns asked for, with the values the whole decode gives", () => {
    fc.assert(
      fc.property(trace, (t) => {
        const bytes = encodeSegment(t);
        const c = decodeColumns(bytes, { json: ["events", "links"] });
        expect(Object.keys(c.json!).sort()).toEqual(["events", "links"]);
        const whole = decodeSegment(bytes).spans;
        expect(c.json!.events).toEqual(whole.map((s) => s.events));
        expect(c.json!.links).toEqual(whole.map((s) => s.links));
      }),
      { numRuns: 100 },
    );
  });

  it("gives back an empty trace", () => {
    const empty = { tenantId: "acme", traceId: demoTrace.traceId, spans: [] };
    expect(decodeSegment(encodeSegment(empty))).toEqual(empty);
  });

  it("refuses rows it could not give back, rather than altering them", () => {
    const seal = (over: Partial<SegmentSpan>) => () => encodeSegment({ ...demoTrace, spans: [demoSpan(0, over)] });
    expect(seal({ name: "half \uD800 pair" })).toThrow(/lone surrogate/);
    expect(seal({ attributes: { "k\uDC00": 1 } })).toThrow(/lone surrogate/);
    expect(seal({ attributes: { k: undefined } })).toThrow(/attributes holds a value JSON cannot: undefined/);
    expect(seal({ attributes: { k: new Date(0) } })).toThrow(/instance of Date/);
    expect(seal({ attributes: { k: 1n } })).toThrow(/bigint/);
    expect(seal({ events: [, 1] as never })).toThrow(/undefined/);
    expect(seal({ spanId: 2n ** 63n })).toThrow(/span_id is out of its column's range/);
    expect(seal({ kind: 40_000 })).toThrow(/kind/);
    expect(seal({ startSubUsNs: 1000 })).toThrow(/start_sub_us_ns/);
    expect(seal({ flags: 2 ** 31 })).toThrow(/flags/);
    expect(seal({ droppedEventsCount: 1.5 })).toThrow(/dropped_events_count/);
    expect(seal({ attributes: [] as never })).toThrow(/attributes is out of its column's range/);
    let deep: unknown = 1;
    for (let i = 0; i < 200; i++) deep = [deep];
    expect(seal({ attributes: { deep } })).toThrow(/nests deeper/);
    expect(() => encodeSegment({ ...demoTrace, traceId: "4BF92F35-77B3-4DA6-A3CE-929D0E0E4736" })).toThrow(/uuid/);
  });
});

describe("damaged segments", () => {
  const good = encodeSegment(demoTrace);

  it("refuses every truncation", () => {
    for (let n = 0; n < good.length; n++) expect(() => decodeSegment(good.subarray(0, n)), `cut to ${n} bytes`).toThrow(SegmentError);
  });

  it("refuses a segment with bytes after its end", () => {
    expect(() => decodeSegment(Buffer.concat([good, Buffer.from([0])]))).toThrow(SegmentError);
  });

  it("refuses every single-byte change, in the header or the compressed body", () => {
    for (let i = 0; i < good.length; i++) {
      for (const flip of [0x01, 0x80, 0xff]) {
        const bad = Uint8Array.from(good);
        bad[i]! ^= flip;
        expect(() => decodeSegment(bad), `byte ${i} ^ ${flip}`).toThrow(SegmentError);
      }
    }
  });

  it("refuses a body that was altered and recompressed, by its checksum", () => {
    const plain = encodeSegment(demoTrace, { codec: "none" });
    // The service name sits in the body's dictionary: change one letter of it.
    const at = Buffer.from(plain).indexOf("web-api");
    const bad = Uint8Array.from(plain);
    bad[at] = "W".charCodeAt(0);
    expect(() => decodeSegment(bad)).toThrow(/does not match its checksum/);
  });

  it("refuses an unknown version and what is not a segment at all", () => {
    const future = Uint8Array.from(good);
    future[4] = FORMAT_VERSION + 1;
    expect(() => decodeSegment(future)).toThrow(/Unsupported segment version 2/);
    expect(() => readSegmentHeader(future)).toThrow(/Unsupported segment version/);
    expect(() => decodeSegment(Buffer.from('{"spans":[]}'))).toThrow(/Not a trace segment/);
    expect(() => decodeSegment(new Uint8Array())).toThrow(/Not a trace segment/);
    expect(readSegmentHeader(good)).toMatchObject({ version: FORMAT_VERSION, codec: "brotli" });
  });
});
