import { randomBytes } from "node:crypto";
import $protobuf from "protobufjs/minimal.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { searchIds } from "@/lib/traces/testing/two-tenants";
import { traceIdToUuid } from "@/db/span-codec/ids";
import { MAX_VALUE_DEPTH } from "./otlp-http/common";
import { keyFor, postOtlp, seedTenant, startIngestServer, storedCounts, TEST_RESOURCE_SCHEMA_URL, TEST_SCOPE, testTracing, type IngestServer } from "./testing/fixtures";
import { decodeExportResponse, decodeStatus } from "./testing/responses";
import { encodeRequest, fixed64 } from "./testing/synthetic";

// What a producer nobody here wrote may send: 64-bit integers as JSON numbers, numeric times,
// snake_case field names, base64 ids, deep values, attribute keys named like Object members.

let t: TestDatabase;
let server: IngestServer;
let key: string;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenant(t.sql, "acme");
  key = await keyFor(t, "acme");
  server = await startIngestServer(t);
});
afterAll(async () => {
  await server.close();
  await t.drop();
});

const nowNs = () => BigInt(Date.now()) * 1_000_000n + 123n;
const hex = (n: number) => randomBytes(n).toString("hex");

/** A JSON body written by hand, so numbers can be written with every digit. */
function rawJsonBody(spans: string[], resource = '{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]}'): string {
  return `{"resourceSpans":[{"resource":${resource},"scopeSpans":[{"spans":[${spans.join(",")}]}]}]}`;
}

function rawSpan(traceId: string, fields: string): string {
  return `{"traceId":"${traceId}","spanId":"${hex(8)}","name":"op",${fields}}`;
}

const postJson = (body: string) => postOtlp(server.endpoint, { body, contentType: "application/json", key });
const answer = (body: Buffer) => JSON.parse(body.toString()) as Record<string, unknown>;

/** The attribute's value as text, an int64 past 2^53 as its digits (stored tagged, lib/attributes/stored-value.ts). */
async function attributeTexts(traceHex: string, attribute: string): Promise<string[]> {
  const rows = await t.sql<{ v: string }[]>`
    SELECT coalesce(attributes->${attribute}->>'$int', attributes->>${attribute}) AS v FROM spans
    WHERE trace_id = ${traceIdToUuid(traceHex)}::uuid ORDER BY name, span_id`;
  return rows.map((r) => r.v);
}

describe("64-bit integers as JSON numbers", () => {
  it("keep every digit of an int attribute past 2^53 and of numeric times, and lose no span of the batch", async () => {
    const traceId = hex(16);
    const start = nowNs();
    const times = `"startTimeUnixNano":${start},"endTimeUnixNano":${start + 1_000_001n}`;
    const res = await postJson(
      rawJsonBody([
        rawSpan(traceId, `${times},"attributes":[{"key":"big","value":{"intValue":9007199254740993}}]`),
        rawSpan(traceId, `${times},"attributes":[{"key":"big","value":{"intValue":-9223372036854775808}}]`),
        rawSpan(traceId, `${times},"attributes":[{"key":"big","value":{"intValue":9223372036854775807}}]`),
        rawSpan(traceId, `${times},"attributes":[{"key":"big","value":{"intValue":1.5e3}}]`),
      ]),
    );
    expect(res.status).toBe(200);
    expect(answer(res.body)).toEqual({});
    expect((await attributeTexts(traceId, "big")).sort()).toEqual(["-9223372036854775808", "1500", "9007199254740993", "9223372036854775807"]);
    const [row] = await t.sql`
      SELECT count(*)::int AS n, min(duration_ns)::text AS duration, min((extract(epoch FROM start_time) * 1e6)::bigint)::text AS start_us
      FROM spans WHERE trace_id = ${traceIdToUuid(traceId)}::uuid`;
    expect(row).toEqual({ n: 4, duration: "1000001", start_us: String(start / 1000n) });
  });

  it("refuse only the span whose number is not a 64-bit integer, per span, saying why", async () => {
    const traceId = hex(16);
    const start = nowNs();
    const times = `"startTimeUnixNano":"${start}","endTimeUnixNano":"${start + 1000n}"`;
    const res = await postJson(
      rawJsonBody([
        rawSpan(traceId, `${times},"attributes":[{"key":"big","value":{"intValue":9223372036854775808}}]`),
        rawSpan(traceId, `${times},"attributes":[{"key":"big","value":{"intValue":12.5}}]`),
        rawSpan(traceId, `${times},"attributes":[{"key":"big","value":{"intValue":18014398509481984}}]`),
      ]),
    );
    expect(answer(res.body)).toEqual({
      partialSuccess: { rejectedSpans: "2", errorMessage: "Refused 2 of 3 spans: 2 with a field that is not valid OTLP (the first: attributes.0.value.intValue: expected a 64-bit integer)." },
    });
    expect(await attributeTexts(traceId, "big")).toEqual(["18014398509481984"]);
  });

  it("from the real OpenTelemetry JS http/json exporter: an int attribute past 2^53 no longer loses the batch", async () => {
    // A JS number cannot hold 2^53 + 1; 2^53 + 2 and 2^62 are the nearest it can send exactly.
    const tracing = testTracing({ endpoint: server.endpoint, key, kind: "json" });
    const big = tracing.tracer.startSpan("big ints", { attributes: { "above.2p53": 2 ** 53 + 2, "p62": 2 ** 62, "negative": -(2 ** 60) } });
    big.end();
    const other = tracing.tracer.startSpan("same batch", {}, undefined);
    other.end();
    await tracing.flush();
    await tracing.shutdown();
    const traceId = big.spanContext().traceId;
    const row = Object.fromEntries(await Promise.all((["above.2p53", "p62", "negative"] as const).map(async (k, i) => ["abc"[i]!, (await attributeTexts(traceId, k))[0]])));
    // JSON.stringify writes 2^62 as 4611686018427388000 (the shortest text of that double): the
    // exporter sent that integer, and that integer is stored.
    expect(row).toEqual({ a: "9007199254740994", b: "4611686018427388000", c: "-1152921504606847000" });
    const [stored] = await t.sql`SELECT count(*)::int AS n FROM spans WHERE trace_id = ${traceIdToUuid(other.spanContext().traceId)}::uuid`;
    expect(stored).toEqual({ n: 1 });
  });
});

describe("bodies that say nothing, and ids in the wrong alphabet", () => {
  it("a JSON body with only unknown (snake_case) fields answers a warning, stores nothing", async () => {
    const before = await storedCounts(t.sql);
    const res = await postJson(JSON.stringify({ resource_spans: [{ scope_spans: [{ spans: [{ trace_id: hex(16) }] }] }] }));
    expect(res.status).toBe(200);
    expect(answer(res.body)).toEqual({
      partialSuccess: { rejectedSpans: "0", errorMessage: "No resourceSpans found; OTLP/JSON field names are lowerCamelCase (resourceSpans, scopeSpans, startTimeUnixNano)." },
    });
    // A protobuf body of unknown fields (field 9) says the same in its own terms.
    const pb = await postOtlp(server.endpoint, { body: Buffer.from([0x4a, 0x01, 0x00]), key });
    expect(decodeExportResponse(pb.body)).toEqual({ partialSuccess: { errorMessage: "No resourceSpans found (field 1 of ExportTraceServiceRequest)." } });
    expect(await storedCounts(t.sql)).toEqual(before);
  });

  it("accepts application/protobuf as well as application/x-protobuf", async () => {
    const start = nowNs();
    const traceId = randomBytes(16);
    const body = encodeRequest({
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId, spanId: randomBytes(8), name: "op", startTimeUnixNano: fixed64(start), endTimeUnixNano: fixed64(start + 5n) }] }] }],
    });
    const res = await postOtlp(server.endpoint, { body, contentType: "application/protobuf", key });
    expect(res.status).toBe(200);
    expect(decodeExportResponse(res.body)).toEqual({});
    const [row] = await t.sql`SELECT count(*)::int AS n FROM spans WHERE trace_id = ${traceIdToUuid(traceId.toString("hex"))}::uuid`;
    expect(row).toEqual({ n: 1 });
  });

  it("a base64 trace id is refused with a message that says ids are hex", async () => {
    const start = nowNs();
    const res = await postJson(rawJsonBody([`{"traceId":"${randomBytes(16).toString("base64")}","spanId":"${hex(8)}","startTimeUnixNano":"${start}","endTimeUnixNano":"${start}"}`]));
    expect((answer(res.body).partialSuccess as { errorMessage: string }).errorMessage).toMatch(/32 hex digits, not base64/);
    await t.sql`DELETE FROM ingest_counters`;
  });
});

describe("deep values and keys named like Object members", () => {
  function nested(depth: number): unknown {
    let v: unknown = { stringValue: "bottom" };
    for (let i = 0; i < depth; i++) v = { kvlistValue: { values: [{ key: "k", value: v }] } };
    return v;
  }
  const spanWith = (attributes: unknown[]) => {
    const start = nowNs();
    return { traceId: hex(16), spanId: hex(8), name: "op", startTimeUnixNano: String(start), endTimeUnixNano: String(start + 1n), attributes };
  };

  it("a kvlistValue nested 500 deep answers 400 with a message, in JSON and in protobuf, and stores nothing", async () => {
    const before = await storedCounts(t.sql);
    const span = spanWith([{ key: "deep", value: nested(500) }]);
    const json = await postJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }));
    expect(json.status).toBe(400);
    expect(answer(json.body)).toEqual({ code: 3, message: expect.stringContaining(`may nest at most ${MAX_VALUE_DEPTH} levels`) });

    // protobufjs's encoder stops at its decoder's recursion limit; an attacker's would not.
    const limit = $protobuf.util.recursionLimit;
    $protobuf.util.recursionLimit = 10_000;
    const pb = encodeRequest({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [{ ...span, traceId: Buffer.from(span.traceId, "hex"), spanId: Buffer.from(span.spanId, "hex"), startTimeUnixNano: fixed64(BigInt(span.startTimeUnixNano)), endTimeUnixNano: fixed64(BigInt(span.endTimeUnixNano)) }] as never,
            },
          ],
        },
      ],
    });
    $protobuf.util.recursionLimit = limit;
    const res = await postOtlp(server.endpoint, { body: pb, key });
    expect(res.status).toBe(400);
    expect(decodeStatus(res.body)).toEqual({ code: 3, message: expect.stringContaining(`may nest at most ${MAX_VALUE_DEPTH} levels`) });
    expect(await storedCounts(t.sql)).toEqual(before);
  });

  it(`a value nested ${MAX_VALUE_DEPTH} deep is stored`, async () => {
    const span = spanWith([{ key: "deep", value: nested(MAX_VALUE_DEPTH) }]);
    const res = await postJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }));
    expect(res.status).toBe(200);
    const [row] = await t.sql`SELECT attributes #>> ${["deep", ...Array<string>(MAX_VALUE_DEPTH).fill("k")]} AS bottom FROM spans WHERE trace_id = ${traceIdToUuid(span.traceId)}::uuid`;
    expect(row).toEqual({ bottom: "bottom" });
  });

  it("keeps the attribute keys __proto__, constructor and toString, at the top and in kvlists, without touching Object.prototype", async () => {
    const members = ["__proto__", "constructor", "toString", "hasOwnProperty"];
    const kv = members.map((key) => ({ key, value: { stringValue: `value of ${key}` } }));
    const span = spanWith([...kv, { key: "nested", value: { kvlistValue: { values: kv } } }]);
    const res = await postJson(JSON.stringify({ resourceSpans: [{ resource: { attributes: kv }, scopeSpans: [{ spans: [span] }] }] }));
    expect(res.status).toBe(200);
    const [row] = await t.sql<{ attributes: string; resource: string }[]>`
      SELECT s.attributes::text AS attributes, r.attributes::text AS resource
      FROM spans s JOIN resources r ON r.tenant_id = s.tenant_id AND r.id = s.resource_id WHERE s.trace_id = ${traceIdToUuid(span.traceId)}::uuid`;
    const expected = Object.fromEntries(members.map((m) => [m, `value of ${m}`]));
    // Parsed with JSON.parse, "__proto__" is an own key like the others.
    expect(JSON.parse(row!.attributes)).toEqual(JSON.parse(JSON.stringify({ ...expected, nested: expected })));
    expect(JSON.parse(row!.resource)).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(({} as Record<string, unknown>).toString).toBe(Object.prototype.toString);
  });
});

describe("attribute values keep their OTLP type and exact value", () => {
  it("int64 past 2^53, whole and non-finite doubles, bytes, nested arrays and kvlists: stored typed, searchable as numbers", async () => {
    const traceId = hex(16);
    const start = nowNs();
    const res = await postJson(
      rawJsonBody([
        rawSpan(
          traceId,
          `"startTimeUnixNano":"${start}","endTimeUnixNano":"${start + 10n}","attributes":[
            {"key":"big","value":{"intValue":9007199254740993}},
            {"key":"min","value":{"intValue":"-9223372036854775808"}},
            {"key":"small","value":{"intValue":"7"}},
            {"key":"whole","value":{"doubleValue":3.0}},
            {"key":"half","value":{"doubleValue":2.5}},
            {"key":"nan","value":{"doubleValue":"NaN"}},
            {"key":"inf","value":{"doubleValue":"-Infinity"}},
            {"key":"bytes","value":{"bytesValue":"aGk="}},
            {"key":"text","value":{"stringValue":"3"}},
            {"key":"list","value":{"arrayValue":{"values":[{"intValue":"9007199254740993"},{"doubleValue":1},{"stringValue":"x"}]}}},
            {"key":"map","value":{"kvlistValue":{"values":[{"key":"$int","value":{"stringValue":"not a tag"}}]}}}
          ]`,
        ),
      ]),
    );
    expect(res.status).toBe(200);
    const [row] = await t.sql<{ attributes: string; summary: string; cells: string[]; sql_cells: string[] }[]>`
      SELECT s.attributes::text AS attributes, tr.attributes::text AS summary, tr.attribute_number_cells AS cells,
             trace_attribute_number_cells(tr.attributes) AS sql_cells
      FROM spans s JOIN traces tr ON tr.tenant_id = s.tenant_id AND tr.trace_id = s.trace_id WHERE s.trace_id = ${traceIdToUuid(traceId)}::uuid`;
    expect(JSON.parse(row!.attributes)).toEqual({
      big: { $int: "9007199254740993" },
      min: { $int: "-9223372036854775808" },
      small: 7,
      whole: { $double: 3 },
      half: 2.5,
      nan: { $double: "NaN" },
      inf: { $double: "-Infinity" },
      bytes: { $bytes: "aGk=" },
      text: "3",
      list: [{ $int: "9007199254740993" }, { $double: 1 }, "x"],
      map: { $kvlist: { $int: "not a tag" } },
    });
    // The summary holds the numbers exactly (jsonb numeric), and the cells ingest computed are the SQL function's.
    expect(row!.summary).toContain('"big": [9007199254740993]');
    expect(row!.summary).toContain('"min": [-9223372036854775808]');
    expect(row!.summary).toContain('"whole": [3]');
    expect(row!.cells).toEqual(row!.sql_cells);

    const scope = { all: false as const, tenantIds: ["acme"] };
    for (const [attr, found] of [
      ["big > 9007199254740992", true],
      ["big < 9007199254740992", false],
      ["min < -9223372036854775000", true],
      ["whole > 2.9", true],
      ["whole < 2.9", false],
    ] as const) {
      expect((await searchIds(t, scope, { attr })).includes(traceIdToUuid(traceId)), attr).toBe(found);
    }
  });
});

describe("truncation shows", () => {
  it("a 10,000-character stack trace is cut to the limit with a marker giving its length, and the answer counts the cut", async () => {
    const stack = Array.from({ length: 200 }, (_, i) => `    at frame${String(i).padStart(4, "0")} (/srv/app/module.js:${i}:7)`).join("\n").padEnd(10_000, "!");
    const span = (traceId: string, value: string) => {
      const start = nowNs();
      return { traceId, spanId: hex(8), name: "op", startTimeUnixNano: String(start), endTimeUnixNano: String(start + 1n), attributes: [{ key: "exception.stacktrace", value: { stringValue: value } }] };
    };
    const traceId = hex(16);
    const res = await postJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span(traceId, stack)] }] }] }));
    expect(answer(res.body)).toEqual({
      partialSuccess: { rejectedSpans: "0", errorMessage: 'Cut 1 value longer than 4096 characters; each ends with "…[truncated from <length> characters]".' },
    });
    const [stored] = await attributeTexts(traceId, "exception.stacktrace");
    expect(stored).toHaveLength(4096);
    expect(stored!.endsWith("…[truncated from 10000 characters]")).toBe(true);
    expect(stack.startsWith(stored!.slice(0, 4096 - "…[truncated from 10000 characters]".length))).toBe(true);
    expect(stored).toContain("\n    at frame0001");

    // Sent again (as an export is), the marked value fits and is not cut twice.
    const again = hex(16);
    const res2 = await postJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span(again, stored!)] }] }] }));
    expect(answer(res2.body)).toEqual({});
    expect(await attributeTexts(again, "exception.stacktrace")).toEqual([stored]);
  });
});

describe("trace state", () => {
  it("of the span and of each link is stored as received, in JSON and protobuf", async () => {
    const traceId = randomBytes(16);
    const linked = { traceId: randomBytes(16), spanId: randomBytes(8) };
    const start = nowNs();
    const spanOf = (state: string) => ({ traceId, spanId: randomBytes(8), traceState: state, name: state, startTimeUnixNano: fixed64(start), endTimeUnixNano: fixed64(start + 1n), links: [{ ...linked, traceState: `link ${state}` }] });
    const pb = await postOtlp(server.endpoint, { body: encodeRequest({ resourceSpans: [{ scopeSpans: [{ spans: [spanOf("rojo=00f067aa0ba902b7")] }] }] }), key });
    expect(pb.status).toBe(200);
    const json = await postJson(
      rawJsonBody([
        rawSpan(traceId.toString("hex"), `"traceState":"congo=t61rcWkgMzE","startTimeUnixNano":"${start}","endTimeUnixNano":"${start + 1n}","links":[{"traceId":"${linked.traceId.toString("hex")}","spanId":"${linked.spanId.toString("hex")}","traceState":"link congo=t61rcWkgMzE"}]`),
      ]),
    );
    expect(json.status).toBe(200);
    const rows = await t.sql`SELECT trace_state, links->0->>'traceState' AS link_state FROM spans WHERE trace_id = ${traceIdToUuid(traceId.toString("hex"))}::uuid ORDER BY trace_state`;
    expect(rows).toEqual([
      { trace_state: "congo=t61rcWkgMzE", link_state: "link congo=t61rcWkgMzE" },
      { trace_state: "rojo=00f067aa0ba902b7", link_state: "link rojo=00f067aa0ba902b7" },
    ]);
  });
});

describe("instrumentation scope, schema URLs and flags", () => {
  const scopeRows = (traceHex: string) =>
    t.sql`
      SELECT c.name, c.version, c.attributes, c.dropped_attributes_count, c.schema_url, s.flags, s.links->0->'flags' AS link_flags,
             r.schema_url AS resource_schema_url, r.dropped_attributes_count AS resource_dropped
      FROM spans s JOIN scopes c ON c.tenant_id = s.tenant_id AND c.id = s.scope_id
      JOIN resources r ON r.tenant_id = s.tenant_id AND r.id = s.resource_id
      WHERE s.trace_id = ${traceIdToUuid(traceHex)}::uuid ORDER BY s.span_id`;

  it("as the real OpenTelemetry JS http/json exporter sends them: its tracer's name, version and schema URL, sampled flags", async () => {
    const tracing = testTracing({ endpoint: server.endpoint, key, kind: "json" });
    const span = tracing.tracer.startSpan("scoped");
    span.end();
    await tracing.flush();
    await tracing.shutdown();
    expect(await scopeRows(span.spanContext().traceId)).toEqual([
      {
        name: TEST_SCOPE.name, version: TEST_SCOPE.version, attributes: {}, dropped_attributes_count: 0, schema_url: TEST_SCOPE.schemaUrl,
        flags: 0x101, link_flags: null, resource_schema_url: TEST_RESOURCE_SCHEMA_URL, resource_dropped: 0,
      },
    ]);
  });

  it("hand-written: scope attributes (redacted like any), dropped counts, both schema URLs and flags up to 2^32 - 1 are stored; the scope once", async () => {
    const traceId = hex(16);
    const start = nowNs();
    const times = `"startTimeUnixNano":"${start}","endTimeUnixNano":"${start + 1n}"`;
    const body = (spanFields: string) =>
      `{"resourceSpans":[{"resource":{"attributes":[],"droppedAttributesCount":4},"schemaUrl":"https://opentelemetry.io/schemas/1.26.0",` +
      `"scopeSpans":[{"scope":{"name":"io.opentelemetry.jdbc","version":"2.10.0-alpha","attributes":[{"key":"owner","value":{"stringValue":"bob@example.com"}},` +
      `{"key":"shard","value":{"intValue":"3"}}],"droppedAttributesCount":1},"schemaUrl":"https://opentelemetry.io/schemas/1.27.0",` +
      `"spans":[${rawSpan(traceId, `${times},${spanFields}`)}]}]}]}`;
    const before = (await storedCounts(t.sql)).scopes!;
    const res = await postJson(body(`"flags":4294967295,"links":[{"traceId":"${hex(16)}","spanId":"${hex(8)}","flags":769}]`));
    expect(res.status).toBe(200);
    const res2 = await postJson(body(`"flags":"513"`));
    expect(res2.status).toBe(200);
    const expected = {
      name: "io.opentelemetry.jdbc", version: "2.10.0-alpha", attributes: { owner: "[REDACTED:email]", shard: 3 }, dropped_attributes_count: 1,
      schema_url: "https://opentelemetry.io/schemas/1.27.0", resource_schema_url: "https://opentelemetry.io/schemas/1.26.0", resource_dropped: 4,
    };
    const rows = await scopeRows(traceId);
    expect(rows.map((r) => ({ ...r, flags: r.flags >>> 0 })).sort((a, b) => a.flags - b.flags)).toEqual([
      { ...expected, flags: 513, link_flags: null },
      { ...expected, flags: 0xffffffff, link_flags: 769 },
    ]);
    // Two requests, two spans, one scope row.
    expect((await storedCounts(t.sql)).scopes).toBe(before + 1);
  });

  it("a flags value that is not a fixed32 refuses that span alone, saying why", async () => {
    const traceId = hex(16);
    const start = nowNs();
    const times = `"startTimeUnixNano":"${start}","endTimeUnixNano":"${start + 1n}"`;
    const res = await postJson(rawJsonBody([rawSpan(traceId, `${times},"flags":4294967296`), rawSpan(traceId, `${times},"flags":1`)]));
    expect(answer(res.body)).toEqual({ partialSuccess: { rejectedSpans: "1", errorMessage: expect.stringMatching(/flags: expected an unsigned 32-bit integer/) } });
    const [row] = await t.sql`SELECT count(*)::int AS n FROM spans WHERE trace_id = ${traceIdToUuid(traceId)}::uuid`;
    expect(row).toEqual({ n: 1 });
  });
});
