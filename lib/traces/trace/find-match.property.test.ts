import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantScope } from "@/db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { jsonbOut, jsonbText } from "@/lib/db/jsonb-text";
import { decodeColumns } from "@/lib/traces/segments/decode";
import { encodeSegment } from "@/lib/traces/segments/encode";
import type { SegmentColumnsSource } from "@/lib/traces/span-store/read";
import type { SegmentSpan } from "@/lib/traces/segments/format";
import { findBySql, findInColumns } from "./trace-find";

// Find in a sealed segment is answered in Node (find-match.ts, lib/db/jsonb-text.ts); its SQL
// over the same spans handed to Postgres is the reference: random spans with odd strings, keys,
// numbers and nested values, and random text with LIKE's wildcards, escapes, case and unicode.

let t: TestDatabase;
const ALPHA: TenantScope = { all: false, tenantIds: ["alpha"] };
const TRACE_UUID = "1af76519-16cd-43dd-8448-eb211c8031aa";

beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`INSERT INTO tenants (id, name) VALUES ('alpha', 'Alpha')`;
});
afterAll(async () => {
  await t.drop();
});

// Few characters, so random text often hits: ASCII of both cases, letters whose case only a
// Unicode-aware lower() folds (É, Σ, İ, the Kelvin sign), LIKE's and JSON's punctuation.
const UNITS = ["a", "A", "b", "B", "e", "E", "1", "0", "-", ".", " ", "%", "_", "\\", '"', ":", ",", "{", "}", "[", "]", "é", "É", "σ", "Σ", "İ", "K", "ß", "😀", "\n", "\t", "\u0001"];
const str = (maxLength: number) => fc.string({ unit: fc.constantFrom(...UNITS), maxLength });
const key = fc.oneof(str(4), fc.constantFrom("__proto__", "name", "attributes", "job.id"));
const number = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(0, -0, 1e21, 1.5e-7, 5e-324, 123456789012345680000, -1e-7, 0.1, 1e300, 2 ** 53),
);
const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    str(6),
    number,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("json"), { maxLength: 3 }),
    fc.dictionary(key, tie("json"), { maxKeys: 3 }),
  ),
}));
const object = fc.dictionary(key, json, { maxKeys: 4 });
const event = fc.oneof(
  fc.record({ name: fc.oneof(str(6), json), timeUnixNano: fc.constant("1"), attributes: fc.oneof(object, json) }, { requiredKeys: [] }),
  json,
);

let next = 1n;
const span = fc.record({ statusMessage: fc.option(str(8)), attributes: object, events: fc.array(event, { maxLength: 2 }) }).map(
  (s): SegmentSpan => ({
    ...s,
    spanId: next++,
    parentSpanId: null,
    traceState: null,
    requestId: null,
    service: "svc",
    name: "op",
    kind: 1,
    startUs: 1_700_000_000_000_000n,
    startSubUsNs: 0,
    durationNs: 1n,
    statusCode: 0,
    events: s.events as SegmentSpan["events"],
    links: [],
    resourceId: 1n,
    scopeId: null,
    flags: 0,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  }),
);

describe("find in a sealed segment, in Node", () => {
  it("spells JSON values as Postgres's jsonb text and ->> do", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(json, { minLength: 1, maxLength: 20 }), async (values) => {
        const rows = await t.sql<{ out: string; text: string | null }[]>`
          SELECT e::text AS out, e #>> '{}' AS text FROM jsonb_array_elements(${JSON.stringify(values)}::text::jsonb) WITH ORDINALITY AS x(e, n) ORDER BY n`;
        expect(values.map((v) => ({ out: jsonbOut(v), text: jsonbText(v) }))).toEqual(rows.map((r) => ({ out: r.out, text: r.text })));
      }),
      { numRuns: 150 },
    );
  });

  it("matches exactly the spans its SQL matches, for any text", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(span, { minLength: 1, maxLength: 12 }), fc.array(str(3), { minLength: 1, maxLength: 4 }), async (spans, texts) => {
        const bytes = encodeSegment({ tenantId: "alpha", traceId: TRACE_UUID, spans });
        const columns = decodeColumns(bytes, { json: ["attributes", "events"] }) as SegmentColumnsSource<"attributes" | "events">["columns"];
        const source = { sealed: true as const, columns, kept: null, spans: () => ({ sealed: true as const, spans, tenantId: "alpha", traceUuid: TRACE_UUID }) };
        for (const text of texts) {
          const bySql = await t.asReader(ALPHA, (tx) => findBySql(tx, source.spans(), text, 10_000));
          expect({ text, ids: findInColumns(source, text, 10_000).sort() }).toEqual({ text, ids: bySql.sort() });
        }
      }),
      { numRuns: 120 },
    );
  });
});
