import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantScope } from "@/db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import type { SpanChunk } from "@/lib/waterfall/span-page";
import { spanIdOf, TraceModelBuilder } from "@/lib/waterfall/trace-model";
import { visibleRows } from "@/lib/waterfall/tree-rows";
import { spanChunkLines, spansResponse } from "./spans-stream";
import { findInTrace } from "./trace-find";
import { findTraceHeader } from "./trace-header";
import { readSpanDetail } from "./trace-span";
import { insertSyntheticTrace } from "@/lib/traces/testing/synthetic-trace";

let t: TestDatabase;
const BIG = "0af7651916cd43dd8448eb211c80319c";
const BETA = "4bf92f3577b34da6a3ce929d0e0e4736";
const EXPIRED = "5bf92f3577b34da6a3ce929d0e0e4737";
const BIG_SPANS = 12_345;

const ALPHA: TenantScope = { all: false, tenantIds: ["alpha"] };
const BETA_ONLY: TenantScope = { all: false, tenantIds: ["beta"] };
const ALL: TenantScope = { all: true };

beforeAll(async () => {
  t = await createTestDatabase();
  // spansResponse reads through the app's pool (lib/db/client.ts), created on first use from the
  // app's environment.
  process.env.DATABASE_URL = t.url;
  process.env.AUTH_SECRET ??= "a".repeat(40);
  await t.sql`INSERT INTO tenants (id, name, retention_days, kept_retention_days) VALUES ('alpha', 'Alpha', 14, 30), ('beta', 'Beta', 14, 30)`;
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: BIG, spans: BIG_SPANS });
  await insertSyntheticTrace(t.sql, { tenant: "beta", traceId: BETA, spans: 20 });
  // Older than alpha's retention (14 days) and not a kept trace: invisible before any purge.
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: EXPIRED, spans: 10, start: new Date(Date.now() - 20 * 86_400_000) });
  await t.sql`UPDATE traces SET has_error = false, error_count = 0 WHERE trace_id = ${"5bf92f35-77b3-4da6-a3ce-929d0e0e4737"}::uuid`;
});

afterAll(async () => {
  await t.drop();
});

/** What the spans route streams, read through the same header lookup; null when the trace is not visible. */
async function allChunks(scope: TenantScope, traceId: string, chunkSpans: number, tenant?: string) {
  return t.asReader(scope, async (tx) => {
    const header = await findTraceHeader(tx, scope, traceId, tenant);
    if (!header) return null;
    const builder = new TraceModelBuilder();
    let chunks = 0;
    for await (const line of spanChunkLines(tx, header, chunkSpans)) {
      chunks++;
      expect(line.endsWith("\n")).toBe(true);
      builder.add(JSON.parse(line) as SpanChunk);
    }
    return { model: builder.build(), chunks };
  });
}

describe("span stream", () => {
  it("streams every span exactly once and the chunks make one tree", async () => {
    const result = await allChunks(ALPHA, BIG, 5_000);
    expect(result!.chunks).toBe(3);
    const { model } = result!;
    expect(model.size).toBe(BIG_SPANS);
    const ids = Array.from({ length: model.size }, (_, i) => spanIdOf(model, i));
    expect(new Set(ids).size).toBe(BIG_SPANS);
    const stored = await t.sql<{ id: string }[]>`
      SELECT lpad(to_hex(span_id), 16, '0') AS id FROM spans WHERE trace_id = ${"0af76519-16cd-43dd-8448-eb211c80319c"}::uuid`;
    expect(new Set(ids)).toEqual(new Set(stored.map((r) => r.id)));
    expect(model.roots.length).toBe(1);
    expect(visibleRows(model, new Set()).count).toBe(BIG_SPANS);
    expect(model.services.length).toBe(6);
    // Times are relative to the trace's start: the root starts at 0, the last span 10 µs apart.
    expect(model.start[model.roots[0]!]).toBe(0);
    expect(Math.max(...model.start)).toBe((BIG_SPANS - 1) * 10_000);
    expect(model.events.size).toBe(Math.ceil((BIG_SPANS - 1) / 50));
  });

  it("carries each span's links to spans of the same trace, and no link to another trace", async () => {
    const { model } = (await allChunks(ALPHA, BIG, 5_000))!;
    // The synthetic trace links every 1000th span (from the 7th) to its root.
    expect(model.links.size).toBe(Math.ceil((BIG_SPANS - 7) / 1000));
    for (const targets of model.links.values()) expect(targets).toEqual([model.roots[0]]);

    // A link to another trace whose span id is also one of this trace's spans must not be followed.
    await t.sql`
      UPDATE spans s SET links = s.links || jsonb_build_array(jsonb_build_object('traceId', ${BIG}::text, 'attributes', '{}'::jsonb,
        'spanId', (SELECT lpad(to_hex(o.span_id), 16, '0') FROM spans o WHERE o.trace_id = s.trace_id AND o.span_id <> s.span_id AND o.parent_span_id IS NOT NULL LIMIT 1)))
      WHERE s.trace_id = ${"4bf92f35-77b3-4da6-a3ce-929d0e0e4736"}::uuid AND s.links <> '[]'::jsonb`;
    const beta = (await allChunks(ALL, BETA, 5_000))!.model;
    expect([...beta.links.values()]).toEqual([[beta.roots[0]]]);
  });

  it("gives the same tree whatever the chunk size", async () => {
    const small = await allChunks(ALL, BETA, 7);
    const large = await allChunks(ALL, BETA, 5_000);
    expect(small!.chunks).toBe(3);
    const inTreeOrder = (m: NonNullable<typeof small>["model"]) => Array.from(visibleRows(m, new Set()).span, (i) => spanIdOf(m, i));
    expect(inTreeOrder(small!.model)).toEqual(inTreeOrder(large!.model));
  });

  it("shows another tenant's trace to nobody outside that tenant, even when asked by tenant", async () => {
    expect(await allChunks(BETA_ONLY, BIG, 5_000)).toBeNull();
    expect(await allChunks(BETA_ONLY, BIG, 5_000, "alpha")).toBeNull();
    expect(await t.asReader(BETA_ONLY, (tx) => findTraceHeader(tx, BETA_ONLY, BIG))).toBeNull();
    expect(await allChunks(ALPHA, BIG, 5_000, "beta")).toBeNull();
    const beta = await t.asReader(BETA_ONLY, (tx) => findTraceHeader(tx, BETA_ONLY, BETA));
    expect(beta).toMatchObject({ tenantId: "beta", spanCount: 20 });
  });

  it("relies on its own tenant filter too, not only on row-level security", async () => {
    // As the table owner (no RLS), a beta scope still sees nothing of alpha.
    expect(await t.sql.begin((tx) => findTraceHeader(tx, BETA_ONLY, BIG))).toBeNull();
    // Even with alpha's trace id and times, the span read filters on the header's tenant itself.
    const alpha = (await t.sql.begin((tx) => findTraceHeader(tx, ALPHA, BIG)))!;
    const read = await t.sql.begin(async (tx) => {
      let spans = 0;
      for await (const line of spanChunkLines(tx, { ...alpha, tenantId: "beta" })) spans += (JSON.parse(line) as SpanChunk).length;
      return spans;
    });
    expect(read).toBe(0);
  });

  it("hides a trace past its tenant's retention", async () => {
    expect(await allChunks(ALPHA, EXPIRED, 5_000)).toBeNull();
    expect(await t.asReader(ALL, (tx) => findTraceHeader(tx, ALL, EXPIRED))).toBeNull();
  });

  it("describes the trace in its header", async () => {
    const header = await t.asReader(ALPHA, (tx) => findTraceHeader(tx, ALPHA, BIG));
    expect(header).toMatchObject({
      traceId: BIG,
      tenantId: "alpha",
      rootService: "edge-gateway",
      rootName: "GET /synthetic",
      spanCount: BIG_SPANS,
      hasError: true,
    });
    expect(header!.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });
});

describe("span detail and find", () => {
  it("returns attributes, resource, events and the trace's jobs", async () => {
    const { model } = (await allChunks(ALPHA, BIG, 20_000))!;
    const withEvent = [...model.events.keys()][0]!;
    const detail = await t.asReader(ALPHA, (tx) => readSpanDetail(tx, ALPHA, { traceId: BIG, spanId: spanIdOf(model, withEvent) }));
    expect(detail!.events[0]).toMatchObject({ name: "checkpoint" });
    expect(detail!.events[0]!.offsetNs).toBe(model.events.get(withEvent)![0]);
    expect(detail!.resource["service.name"]).toBe(detail!.service);
    expect(detail!.attributes["tenant.id"]).toBe("alpha");
    expect(detail!.asyncWork.length).toBe(1000);
    expect(detail!.asyncWork[0]).toMatchObject({ kind: "job", label: "reindex" });
    const other = await t.asReader(BETA_ONLY, (tx) => readSpanDetail(tx, BETA_ONLY, { traceId: BIG, spanId: spanIdOf(model, withEvent) }));
    expect(other).toBeNull();
  });

  it("finds spans by attribute value and status message, escaping LIKE wildcards", async () => {
    const byStatus = await t.asReader(ALPHA, (tx) => findInTrace(tx, ALPHA, { traceId: BIG, text: "SYNTHETIC failure 10190" }));
    expect(byStatus).toHaveLength(1);
    const byAttribute = await t.asReader(ALPHA, (tx) => findInTrace(tx, ALPHA, { traceId: BIG, text: "where id = 999" }));
    expect(byAttribute!.length).toBe(12);
    expect(await t.asReader(ALPHA, (tx) => findInTrace(tx, ALPHA, { traceId: BIG, text: "%" }))).toEqual([]);
    expect(await t.asReader(BETA_ONLY, (tx) => findInTrace(tx, BETA_ONLY, { traceId: BIG, text: "failure" }))).toBeNull();
  });
});

describe("the spans response", () => {
  it("answers with every span once the first chunk is read", async () => {
    const header = await t.asReader(BETA_ONLY, (tx) => findTraceHeader(tx, BETA_ONLY, BETA));
    const response = await spansResponse("user-1", BETA_ONLY, header!);
    expect(response.status).toBe(200);
    const lines = (await response.text()).trim().split("\n");
    expect(lines.flatMap((l) => JSON.parse(l) as SpanChunk)).toHaveLength(20);
  });

  it("fails instead of answering when the database fails before the first chunk", async () => {
    const header = await t.asReader(BETA_ONLY, (tx) => findTraceHeader(tx, BETA_ONLY, BETA));
    // A start the query cannot cast: the read fails before any line, as with a database gone.
    await expect(spansResponse("user-1", BETA_ONLY, { ...header!, startUs: "not a number" })).rejects.toThrow(/bigint/);
  });
});
