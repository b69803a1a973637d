import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { traceIdToUuid } from "@/db/span-codec/ids";
import { keyFor, postOtlp, seedTenant, startIngestServer, type IngestServer } from "@/lib/ingest/testing/fixtures";
import { encodeRequest, requestOf, type SpanSpec } from "@/lib/ingest/testing/synthetic";
import { applyTailSampling } from "./tail-sampling";

let t: TestDatabase;
let server: IngestServer;
let key: string;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenant(t.sql, "sampled", { keepRatio: 0.5, slowThresholdMs: 100 });
  await seedTenant(t.sql, "everything");
  key = await keyFor(t, null);
  server = await startIngestServer(t);
});
afterAll(async () => {
  await server.close();
  await t.drop();
});
beforeEach(async () => {
  await t.sql`TRUNCATE spans, log_records, traces, resources, trace_sampling_pending, ingest_counters`;
});

/** Two log records of the trace (a uuid), as the trace's services would export them. */
async function ingestLogs(tenant: string, traceUuid: string): Promise<void> {
  const time = (BigInt(Date.now()) * MS).toString();
  const record = (body: string) => ({ timeUnixNano: time, body: { stringValue: body }, traceId: traceUuid.replaceAll("-", "") });
  const body = JSON.stringify({
    resourceLogs: [{ resource: { attributes: [{ key: "tenant.id", value: { stringValue: tenant } }] }, scopeLogs: [{ logRecords: [record("one"), record("two")] }] }],
  });
  const res = await postOtlp(server.endpoint.replace(/traces$/, "logs"), { body, key, contentType: "application/json" });
  expect(res.status).toBe(200);
}

const logsOf = async (traceUuid: string) => (await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM log_records WHERE trace_id = ${traceUuid}::uuid`)[0]!.n;

const MS = 1_000_000n;
/** A trace id whose low 56 bits (what the decision compares) are all zeros or all ones. */
const lowBits = (ones: boolean) => Buffer.concat([randomBytes(9), Buffer.alloc(7, ones ? 0xff : 0x00)]);
const later = (minutes: number) => new Date(Date.now() + minutes * 60_000);

async function ingest(tenant: string, traceId: Buffer, span: Partial<SpanSpec> = {}, spans = 3): Promise<string> {
  const start = BigInt(Date.now()) * MS;
  const root = randomBytes(8);
  const all: SpanSpec[] = [
    { traceId, spanId: root, startNs: start, durationNs: 10n * MS, ...span },
    ...Array.from({ length: spans - 1 }, () => ({ traceId, spanId: randomBytes(8), parentSpanId: root, startNs: start + MS })),
  ];
  const res = await postOtlp(server.endpoint, { body: encodeRequest(requestOf([{ attributes: { "tenant.id": tenant }, spans: all }])), key });
  expect(res.status).toBe(200);
  return traceIdToUuid(traceId.toString("hex"));
}

/** Many one-span standard traces in one request. */
async function ingestMany(tenant: string, traceIds: Buffer[]): Promise<string[]> {
  const start = BigInt(Date.now()) * MS;
  const spans = traceIds.map((traceId) => ({ traceId, spanId: randomBytes(8), startNs: start }));
  const res = await postOtlp(server.endpoint, { body: encodeRequest(requestOf([{ attributes: { "tenant.id": tenant }, spans }])), key });
  expect(res.status).toBe(200);
  return traceIds.map((id) => traceIdToUuid(id.toString("hex")));
}

async function stored(): Promise<Map<string, { spans: number; weight: number }>> {
  const rows = await t.sql<{ trace_id: string; spans: number; sample_weight: number }[]>`
    SELECT t.trace_id, t.sample_weight, (SELECT count(*)::int FROM spans s WHERE s.trace_id = t.trace_id) AS spans FROM traces t`;
  return new Map(rows.map((r) => [r.trace_id, { spans: r.spans, weight: r.sample_weight }]));
}

describe("applyTailSampling", () => {
  it("keeps errors, slow roots and security spans whole, down-samples standard traces by id, and weights the kept ones", async () => {
    const error = await ingest("sampled", lowBits(true), { status: { code: 2 } });
    const slow = await ingest("sampled", lowBits(true), { durationNs: 150n * MS });
    const security = await ingest("sampled", lowBits(true), { attributes: { "security.operation": true } });
    const keptStandard = await ingest("sampled", lowBits(false));
    const droppedStandard = await ingest("sampled", lowBits(true));
    const otherTenant = await ingest("everything", lowBits(true));
    for (const id of [error, keptStandard, droppedStandard, otherTenant]) await ingestLogs(id === otherTenant ? "everything" : "sampled", id);
    expect(await t.sql`SELECT count(*)::int AS n FROM trace_sampling_pending`).toEqual([{ n: 5 }]);

    const result = await applyTailSampling(t.sql, { now: later(10), decisionWindowMinutes: 5 });
    expect(result).toEqual({ decided: 5, keptAlways: 3, keptByRatio: 1, dropped: 1, droppedSpans: 3, droppedLogRecords: 2 });
    // A dropped trace's log records go with it; kept traces keep theirs.
    expect(await logsOf(droppedStandard)).toBe(0);
    for (const id of [error, keptStandard, otherTenant]) expect(await logsOf(id)).toBe(2);
    const after = await stored();
    expect(after.get(error)).toEqual({ spans: 3, weight: 1 });
    expect(after.get(slow)).toEqual({ spans: 3, weight: 1 });
    expect(after.get(security)).toEqual({ spans: 3, weight: 1 });
    expect(after.get(keptStandard)).toEqual({ spans: 3, weight: 2 });
    expect(after.has(droppedStandard)).toBe(false);
    expect(await t.sql`SELECT count(*)::int AS n FROM spans WHERE trace_id = ${droppedStandard}::uuid`).toEqual([{ n: 0 }]);
    expect(after.get(otherTenant)).toEqual({ spans: 3, weight: 1 });
    expect(await t.sql`SELECT count(*)::int AS n FROM trace_sampling_pending`).toEqual([{ n: 0 }]);

    // Decided means decided: a second run changes nothing.
    expect(await applyTailSampling(t.sql, { now: later(20), decisionWindowMinutes: 5 })).toMatchObject({ decided: 0 });
    expect(await stored()).toEqual(after);
  });

  it("waits for the decision window: a trace that still receives spans is not decided yet", async () => {
    const traceId = lowBits(true);
    const uuid = await ingest("sampled", traceId);
    expect(await applyTailSampling(t.sql, { now: later(2), decisionWindowMinutes: 5 })).toMatchObject({ decided: 0 });
    // A late error span arrives before the window closes: the trace is kept after all.
    await ingest("sampled", traceId, { spanId: randomBytes(8), parentSpanId: randomBytes(8), status: { code: 2 } }, 1);
    expect(await applyTailSampling(t.sql, { now: later(10), decisionWindowMinutes: 5 })).toMatchObject({ decided: 1, keptAlways: 1 });
    expect((await stored()).get(uuid)).toEqual({ spans: 4, weight: 1 });
  });

  it("is deterministic by trace id and keeps about the tenant's ratio", async () => {
    const ids = Array.from({ length: 200 }, () => randomBytes(16));
    const uuids = await ingestMany("sampled", ids);
    const result = await applyTailSampling(t.sql, { now: later(10), decisionWindowMinutes: 5, batchSize: 32 });
    expect(result.decided).toBe(200);
    expect(result.keptByRatio).toBeGreaterThan(70);
    expect(result.keptByRatio).toBeLessThan(130);
    const kept = new Set((await stored()).keys());

    // The same traces again, decided afresh: the same ones survive.
    await t.sql`TRUNCATE spans, traces, trace_sampling_pending`;
    await ingestMany("sampled", ids);
    await applyTailSampling(t.sql, { now: later(10), decisionWindowMinutes: 5 });
    expect(new Set((await stored()).keys())).toEqual(kept);
    const expected = uuids.filter((u) => BigInt(`0x${u.replace(/-/g, "").slice(18)}`) < BigInt(Math.floor(0.5 * 2 ** 56)));
    expect(kept).toEqual(new Set(expected));
  });

  it("multiplies a head-sampling weight and works through a backlog in bounded batches", async () => {
    const uuid = await ingest("sampled", lowBits(false), { attributes: { "sampling.ratio": 0.25 } });
    await ingestMany("sampled", Array.from({ length: 9 }, () => randomBytes(16)));
    const result = await applyTailSampling(t.sql, { now: later(10), decisionWindowMinutes: 5, batchSize: 4, maxBatches: 2 });
    expect(result.decided).toBe(8);
    expect(await t.sql`SELECT count(*)::int AS n FROM trace_sampling_pending`).toEqual([{ n: 2 }]);
    await applyTailSampling(t.sql, { now: later(10), decisionWindowMinutes: 5, batchSize: 4 });
    expect(await t.sql`SELECT count(*)::int AS n FROM trace_sampling_pending`).toEqual([{ n: 0 }]);
    expect((await stored()).get(uuid)?.weight).toBe(8);
  });
});
