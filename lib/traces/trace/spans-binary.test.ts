import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkedTraceIdUuid } from "@/db/span-codec/ids";
import type { TenantScope } from "@/db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { sealTraces } from "@/lib/traces/span-store/seal";
import { makeQuiet } from "@/lib/traces/testing/sealed-twin";
import { insertSyntheticTrace } from "@/lib/traces/testing/synthetic-trace";
import { SPANS_BINARY_CONTENT_TYPE } from "./span-binary-format";
import { SpanStreamDecoder } from "@/lib/waterfall/span-binary-decoder";
import type { SpanChunk } from "@/lib/waterfall/span-page";
import { spanIdOf, TraceModelBuilder, type TraceModel } from "@/lib/waterfall/trace-model";
import { spanChunkLines, spanStreamBytes, spansResponse } from "./spans-stream";
import { findTraceHeader } from "./trace-header";

// The binary span stream gives the waterfall the model the NDJSON gives, for a trace stored as
// rows, sealed into segments, and both (late rows beside segments, one repeating a sealed
// span): read from real Postgres, sealed by the real sealer.

let t: TestDatabase;
const ALPHA: TenantScope = { all: false, tenantIds: ["alpha"] };
const SEALED = "2af7651916cd43dd8448eb211c803101";
const MIXED = "2af7651916cd43dd8448eb211c803102";
const UNSEALED = "2af7651916cd43dd8448eb211c803103";
const ODD = "2af7651916cd43dd8448eb211c803104";
const TRACES = [SEALED, MIXED, UNSEALED, ODD];
const uuid = checkedTraceIdUuid;

/** The trace as the NDJSON stream and as the binary stream give it, `chunk` spans a chunk. */
async function models(traceId: string, chunk = 100) {
  return t.asReader(ALPHA, async (tx) => {
    const header = (await findTraceHeader(tx, ALPHA, traceId))!;
    const json = new TraceModelBuilder();
    for await (const line of spanChunkLines(tx, header, chunk)) json.add(JSON.parse(line) as SpanChunk);
    const binary = new TraceModelBuilder();
    const decoder = new SpanStreamDecoder((batch) => binary.addBatch(batch));
    for await (const bytes of spanStreamBytes(tx, header, chunk)) decoder.push(bytes);
    decoder.end();
    return { json: json.build(), binary: binary.build() };
  });
}

/** The model's spans by id, whatever order they arrived in: what the waterfall shows. */
function bySpan(m: TraceModel) {
  const at = (i: number) => (i < 0 ? null : spanIdOf(m, i));
  return Array.from({ length: m.size }, (_, i) => ({
    id: spanIdOf(m, i),
    parent: at(m.parent[i]!),
    start: m.start[i],
    duration: m.duration[i],
    service: m.services[m.service[i]!],
    name: m.names[m.name[i]!],
    kind: m.kind[i],
    status: m.status[i],
    events: m.events.get(i) ?? null,
    links: m.links.get(i)?.map(at) ?? null,
    depth: m.depth[i],
  })).sort((a, b) => (a.id! < b.id! ? -1 : 1));
}

async function expectSameModels(traceId: string) {
  const { json, binary } = await models(traceId);
  expect(binary.size).toBeGreaterThan(0);
  // Same sources in the same order: the very same model, slot for slot.
  expect(binary).toEqual(json);
  return bySpan(binary);
}

const segmentCount = async (traceId: string) =>
  (await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM span_segments WHERE tenant_id = 'alpha' AND trace_id = ${uuid(traceId)}::uuid`)[0]!.n;
const rowCount = async (traceId: string) =>
  (await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM spans WHERE tenant_id = 'alpha' AND trace_id = ${uuid(traceId)}::uuid`)[0]!.n;

beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  process.env.AUTH_SECRET ??= "a".repeat(40);
  await t.sql`INSERT INTO tenants (id, name) VALUES ('alpha', 'Alpha')`;
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: SEALED, spans: 700, asyncJobs: true });
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: MIXED, spans: 300 });
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: UNSEALED, spans: 60 });
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: ODD, spans: 12 });
  // What only SQL spells (a decimal event time: the segment's spans then go through Postgres),
  // an event without a time, links in capitals, to a non-string id, to another trace and to no
  // span, and kinds and statuses past a byte.
  await t.sql`
    UPDATE spans SET
      events = '[{"name": "a", "timeUnixNano": "1.5"}, {"name": "no time"}]'::jsonb,
      links = ${`[{"traceId": "${ODD.toUpperCase()}", "spanId": "${"0".repeat(15)}1"}, {"traceId": "${ODD}", "spanId": 12345},
                  {"traceId": "${ODD}", "spanId": "00F067AA0BA902B7"}, {"traceId": "${SEALED}", "spanId": "00f067aa0ba902b7"}]`}::text::jsonb,
      kind = 300, status_code = -2
    WHERE tenant_id = 'alpha' AND trace_id = ${uuid(ODD)}::uuid AND parent_span_id IS NOT NULL AND kind = 3`;
  // An event without a time on a sealed trace too: its segment goes through Postgres as well.
  await t.sql`
    UPDATE spans SET events = '[{"name": "no time"}]'::jsonb, name = 'ünïcode 😀 "quoted"'
    WHERE tenant_id = 'alpha' AND trace_id = ${uuid(SEALED)}::uuid AND span_id = (SELECT max(span_id) FROM spans WHERE trace_id = ${uuid(SEALED)}::uuid)`;
  // A span of ODD to send again once sealed: its segment goes through Postgres, less the span the row shadows.
  await t.sql`CREATE TABLE late_odd AS SELECT * FROM spans WHERE tenant_id = 'alpha' AND trace_id = ${uuid(ODD)}::uuid AND kind = 300 ORDER BY span_id LIMIT 1`;
  await t.sql`CREATE TABLE late_spans AS SELECT * FROM spans WHERE tenant_id = 'alpha' AND trace_id = ${uuid(MIXED)}::uuid AND parent_span_id IS NOT NULL ORDER BY span_id LIMIT 4`;
});

afterAll(async () => {
  await t.drop();
});

describe("the binary span stream over real Postgres", () => {
  let before: Map<string, ReturnType<typeof bySpan>>;

  it("gives the NDJSON's model for traces stored as rows", async () => {
    before = new Map();
    for (const id of TRACES) before.set(id, await expectSameModels(id));
    const odd = before.get(ODD)!.filter((s) => s.kind === 300 % 256);
    expect(odd.length).toBeGreaterThan(0);
    expect(odd[0]).toMatchObject({ status: 254, events: [expect.any(Number), null] });
  });

  it("gives the same model once sealed, from segments, as the rows gave", async () => {
    for (const id of [SEALED, MIXED, ODD]) await makeQuiet(t.sql, "alpha", uuid(id));
    expect(await sealTraces(t.url, { now: new Date(), quietMinutes: 30, maxSegmentSpans: 128 })).toMatchObject({ traces: 3, failed: [] });
    for (const id of [SEALED, MIXED, ODD]) {
      expect(await rowCount(id)).toBe(0);
      expect(await segmentCount(id)).toBeGreaterThan(0);
    }
    for (const id of TRACES) expect(await expectSameModels(id)).toEqual(before.get(id));
  });

  it("gives the same model for late rows beside segments, the row winning over the sealed span it repeats", async () => {
    // Three new spans, and one sealed span sent again under another name.
    await t.sql`
      UPDATE late_spans SET span_id = CASE WHEN span_id = f.first THEN span_id ELSE span_id # 4611686018427387904 END,
                            name = CASE WHEN span_id = f.first THEN 'sent again' ELSE 'late ' || name END
      FROM (SELECT min(span_id) AS first FROM late_spans) f`;
    await t.sql`INSERT INTO spans SELECT * FROM late_spans`;
    expect(await rowCount(MIXED)).toBe(4);
    const mixed = await expectSameModels(MIXED);
    expect(mixed).toHaveLength(300 + 3);
    expect(mixed.filter((s) => s.name === "sent again")).toHaveLength(1);
    expect(mixed.filter((s) => s.name!.startsWith("late "))).toHaveLength(3);
  });

  it("gives the same model when a row repeats a span of a segment that only SQL spells", async () => {
    await t.sql`UPDATE late_odd SET name = 'sent again'`;
    await t.sql`INSERT INTO spans SELECT * FROM late_odd`;
    const odd = await expectSameModels(ODD);
    expect(odd).toHaveLength(12);
    expect(odd.filter((s) => s.name === "sent again")).toHaveLength(1);
  });

  it("answers format=binary with the binary content type and a body the waterfall's decoder reads", async () => {
    const header = (await t.asReader(ALPHA, (tx) => findTraceHeader(tx, ALPHA, SEALED)))!;
    const response = await spansResponse("user-1", ALPHA, header, "binary");
    expect(response.headers.get("content-type")).toBe(SPANS_BINARY_CONTENT_TYPE);
    const body = new Uint8Array(await response.arrayBuffer());
    const builder = new TraceModelBuilder();
    const decoder = new SpanStreamDecoder((batch) => builder.addBatch(batch));
    decoder.push(body);
    decoder.end();
    expect(bySpan(builder.build())).toEqual(before.get(SEALED));
    const ndjson = await (await spansResponse("user-1", ALPHA, header)).text();
    // The binary stream is the smaller, and NDJSON stays what it was for everyone else.
    expect(body.length).toBeLessThan(ndjson.length * 0.7);
    expect(ndjson.split("\n").filter(Boolean).flatMap((l) => JSON.parse(l) as SpanChunk)).toHaveLength(700);
  });
});
