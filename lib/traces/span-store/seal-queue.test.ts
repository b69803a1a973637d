import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SpanKind } from "@/db/span-codec/kind-and-status";
import type { TestDatabase } from "@/db/testing/test-db";
import { closeIngestBed, keyFor, openIngestBed, postOtlp, seedTenant, type IngestServer } from "@/lib/ingest/testing/fixtures";
import { encodeRequest, requestOf, type SpanSpec } from "@/lib/ingest/testing/synthetic";
import { applyTailSampling } from "@/lib/jobs/tail-sampling";
import { runRetention } from "@/lib/retention/run";
import { sealTraces, type SealOptions } from "./seal";

// The sealer's work queue (trace_seal_pending, migration 0031): who fills it, how the sealer
// drains it, and that a crash or a second sealer loses and duplicates nothing.

let t: TestDatabase;
let server: IngestServer;
const keys: Record<string, string> = {};

beforeAll(async () => {
  let key: string;
  ({ t, server, key } = await openIngestBed("every"));
  keys.every = key;
  await seedTenant(t.sql, "sampled", { keepRatio: 0.000001 });
  keys.sampled = await keyFor(t, "sampled");
});
afterAll(() => closeIngestBed({ t, server }));

const MS = 1_000_000n;
const START = BigInt(Date.now() - 120_000) * MS;

/** A trace of `n` spans (the root first), sent by the tenant's key through the real ingest handler. */
async function send(tenant: string, trace: Buffer, spans: { id: Buffer; parent?: Buffer; error?: boolean; attributes?: SpanSpec["attributes"] }[]): Promise<void> {
  const specs: SpanSpec[] = spans.map((s, i) => ({
    traceId: trace, spanId: s.id, parentSpanId: s.parent, name: `op ${i}`, startNs: START + BigInt(i) * MS, durationNs: MS,
    ...(s.error ? { status: { code: 2 } } : {}),
    ...(s.attributes ? { attributes: s.attributes } : {}),
  }));
  const request = requestOf([{ attributes: { "service.name": "api" }, spans: specs }]);
  request.resourceSpans![0]!.scopeSpans![0]!.spans!.forEach((span) => (span.kind = SpanKind.Internal));
  const res = await postOtlp(server.endpoint, { body: encodeRequest(request), key: keys[tenant]! });
  expect(res.status).toBe(200);
}

const uuidOf = (trace: Buffer) => trace.toString("hex").replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");
const queue = async () =>
  (await t.sql<{ tenant_id: string; trace_id: string }[]>`SELECT tenant_id, trace_id::text FROM trace_seal_pending ORDER BY tenant_id, trace_id`).map(
    (r) => `${r.tenant_id}/${r.trace_id}`,
  );
const rows = async (trace: Buffer) => (await t.sql`SELECT 1 FROM spans WHERE trace_id = ${uuidOf(trace)}::uuid`).length;
/** Every trace quiet for an hour, its queue entry as old (both are stamped by the write that queued it). */
async function allQuiet() {
  await t.sql`UPDATE traces SET updated_at = now() - interval '1 hour'`;
  await t.sql`UPDATE trace_seal_pending SET queued_at = now() - interval '1 hour'`;
}
const seal = (options: Partial<SealOptions> = {}) => sealTraces(t.url, { now: new Date(), quietMinutes: 30, ...options });

describe("the sealer's queue", () => {
  const every = randomBytes(16);
  const kept = randomBytes(16);
  const dropped = randomBytes(16);
  const root = randomBytes(8);

  it("is filled by ingest for a new trace of a tenant keeping every trace, and by tail sampling for a trace it keeps", async () => {
    await send("every", every, [{ id: root }, { id: randomBytes(8), parent: root }]);
    await send("sampled", kept, [{ id: randomBytes(8), error: true }]);
    await send("sampled", dropped, [{ id: randomBytes(8) }]);
    // The sampled tenant's traces wait for tail sampling first.
    expect(await queue()).toEqual([`every/${uuidOf(every)}`]);
    // A late span of a trace not sealed yet: still one entry.
    await send("every", every, [{ id: randomBytes(8), parent: root }]);
    expect(await queue()).toEqual([`every/${uuidOf(every)}`]);

    await t.sql`UPDATE traces SET updated_at = now() - interval '1 hour' WHERE tenant_id = 'sampled'`;
    expect(await applyTailSampling(t.sql, { now: new Date(), decisionWindowMinutes: 30 })).toMatchObject({ decided: 2, keptAlways: 1, dropped: 1 });
    expect(await queue()).toEqual([`every/${uuidOf(every)}`, `sampled/${uuidOf(kept)}`].sort());
  });

  it("is drained by the sealer, which leaves a trace that is not quiet queued", async () => {
    const busy = randomBytes(16);
    await allQuiet();
    await send("every", busy, [{ id: randomBytes(8) }]);
    expect(await seal()).toMatchObject({ traces: 2, spans: 4, failed: [] });
    expect(await rows(every)).toBe(0);
    expect(await rows(kept)).toBe(0);
    expect(await queue()).toEqual([`every/${uuidOf(busy)}`]);
    expect(await rows(busy)).toBe(1);
  });

  it("gets a sealed trace again when ingest stores late rows of it, and the next run seals them", async () => {
    const before = await queue();
    await send("every", every, [{ id: randomBytes(8), parent: root }]);
    expect(await queue()).toEqual([...before, `every/${uuidOf(every)}`].sort());
    await allQuiet();
    expect(await seal()).toMatchObject({ traces: 2, spans: 2, failed: [] });
    expect(await queue()).toEqual([]);
    expect((await t.sql`SELECT seq FROM span_segments WHERE trace_id = ${uuidOf(every)}::uuid ORDER BY seq`).map((r) => r.seq)).toEqual([1, 2]);
  });

  it("keeps a trace's entry when its transaction fails, and a second run seals it once", async () => {
    const crash = randomBytes(16);
    await send("every", crash, [{ id: randomBytes(8) }, { id: randomBytes(8) }]);
    await allQuiet();
    const result = await seal({
      beforeDelete: () => {
        throw new Error("the process died here");
      },
    });
    expect(result).toMatchObject({ traces: 0, failed: [{ tenantId: "every", traceId: uuidOf(crash) }] });
    expect(await queue()).toEqual([`every/${uuidOf(crash)}`]);
    expect(await rows(crash)).toBe(2);
    // Two sealers at once: the second finds the first's lock and does nothing; the trace is sealed once.
    let second: Awaited<ReturnType<typeof seal>> | undefined;
    const first = await seal({
      beforeDelete: async () => {
        second ??= await seal();
      },
    });
    expect(second).toBeNull();
    expect(first).toMatchObject({ traces: 1, spans: 2, failed: [] });
    expect(await queue()).toEqual([]);
    expect((await t.sql<{ n: number }[]>`SELECT sum(span_count)::int AS n FROM span_segments WHERE trace_id = ${uuidOf(crash)}::uuid`)[0]!.n).toBe(2);
  });

  it("leaves nothing of a sealed trace tail sampling drops: its segments and its investigate refs go with its rows", async () => {
    const late = randomBytes(16);
    const lateRoot = randomBytes(8);
    // A job run: investigate keeps a ref of it.
    await send("sampled", late, [{ id: lateRoot }, { id: randomBytes(8), parent: lateRoot, attributes: { "job.id": "job_late" } }]);
    // Sealed before its decision, as if decided then queued for the sampler again (a keep ratio lowered since).
    await t.sql`DELETE FROM trace_sampling_pending WHERE trace_id = ${uuidOf(late)}::uuid`;
    await t.sql`INSERT INTO trace_seal_pending (tenant_id, trace_id) VALUES ('sampled', ${uuidOf(late)}::uuid)`;
    await allQuiet();
    expect(await seal()).toMatchObject({ traces: 1, spans: 2, failed: [] });
    const left = async () =>
      (
        await t.sql<{ segments: number; refs: number; summaries: number }[]>`
          SELECT (SELECT count(*)::int FROM span_segments WHERE trace_id = ${uuidOf(late)}::uuid) AS segments,
                 (SELECT count(*)::int FROM sealed_span_refs WHERE trace_id = ${uuidOf(late)}::uuid) AS refs,
                 (SELECT count(*)::int FROM traces WHERE trace_id = ${uuidOf(late)}::uuid) AS summaries`
      )[0];
    expect(await left()).toEqual({ segments: 1, refs: 1, summaries: 1 });

    await t.sql`INSERT INTO trace_sampling_pending (tenant_id, trace_id) VALUES ('sampled', ${uuidOf(late)}::uuid)`;
    expect(await applyTailSampling(t.sql, { now: new Date(), decisionWindowMinutes: 30 })).toMatchObject({ decided: 1, dropped: 1, droppedSpans: 2 });
    expect(await left()).toEqual({ segments: 0, refs: 0, summaries: 0 });
    expect(await rows(late)).toBe(0);
  });

  it("drops an entry whose trace is gone, and retention sweeps entries older than the tenant keeps traces", async () => {
    const gone = randomBytes(16);
    const old = randomBytes(16);
    await t.sql`
      INSERT INTO trace_seal_pending (tenant_id, trace_id, queued_at)
      VALUES ('every', ${uuidOf(gone)}::uuid, now() - interval '1 hour'), ('every', ${uuidOf(old)}::uuid, now() - interval '400 days')`;
    const run = await runRetention(t, { trigger: "test", now: new Date() });
    expect(run.status).toBe("completed");
    expect(await queue()).toEqual([`every/${uuidOf(gone)}`]);
    expect(await seal()).toMatchObject({ traces: 0, failed: [] });
    expect(await queue()).toEqual([]);
  });
});
