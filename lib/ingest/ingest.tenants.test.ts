import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { keyFor, postOtlp, seedTenant, startIngestServer, type IngestServer } from "./testing/fixtures";
import { decodeExportResponse } from "./testing/responses";
import { recentIsolationViolations } from "@/lib/admin/isolation-log";
import { searchTracesIn } from "@/lib/traces/search/search";
import { parseSearch } from "@/lib/traces/search/search-params";
import { findTraceHeader } from "@/lib/traces/trace/trace-header";
import { spanIdToBigint, traceIdToUuid } from "@/db/span-codec/ids";
import { encodeRequest, requestOf, type PlainValue, type SpanSpec } from "./testing/synthetic";

let t: TestDatabase;
let server: IngestServer;
let acmeKey: string;
let platformKey: string;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenant(t.sql, "acme", { slowThresholdMs: 100 });
  await seedTenant(t.sql, "globex");
  acmeKey = await keyFor(t, "acme");
  platformKey = await keyFor(t, null);
  server = await startIngestServer(t);
});
afterAll(async () => {
  await server.close();
  await t.drop();
});
beforeEach(async () => {
  await t.sql`TRUNCATE spans, traces, resources, ingest_counters, ingest_isolation_violations, trace_sampling_pending`;
});

const MS = 1_000_000n;
const now = () => BigInt(Date.now()) * MS;
const id16 = () => randomBytes(16);
const id8 = () => randomBytes(8);
const uuid = (traceId: Buffer) => traceIdToUuid(traceId.toString("hex"));

async function send(key: string, resources: { attributes: Record<string, PlainValue>; spans: SpanSpec[] }[]) {
  const res = await postOtlp(server.endpoint, { body: encodeRequest(requestOf(resources)), key });
  expect(res.status).toBe(200);
  return decodeExportResponse(res.body);
}

async function tenantsOf(traceId: Buffer): Promise<string[]> {
  const rows = await t.sql<{ tenant_id: string }[]>`SELECT tenant_id FROM spans WHERE trace_id = ${uuid(traceId)}::uuid ORDER BY tenant_id`;
  return rows.map((r) => r.tenant_id);
}

async function counters(tenantId: string): Promise<Record<string, number>> {
  const rows = await t.sql<{ counter: string; value: number }[]>`SELECT counter, value FROM ingest_counters WHERE tenant_id = ${tenantId}`;
  return Object.fromEntries(rows.map((r) => [r.counter, Number(r.value)]));
}

describe("a tenant-scoped key", () => {
  it("writes its own tenant, whether or not the spans name it, and nothing else", async () => {
    const unnamed = id16();
    const named = id16();
    const foreign = id16();
    const result = await send(acmeKey, [
      { attributes: { "service.name": "api" }, spans: [{ traceId: unnamed, spanId: id8(), startNs: now() }] },
      { attributes: { "service.name": "api", "tenant.id": "acme" }, spans: [{ traceId: named, spanId: id8(), startNs: now() }] },
      { attributes: { "service.name": "api" }, spans: [{ traceId: foreign, spanId: id8(), startNs: now(), attributes: { "tenant.id": "globex" } }] },
    ]);
    expect(result).toEqual({
      partialSuccess: { rejectedSpans: 1, errorMessage: "Refused 1 of 3 spans: 1 with a tenant other than the one the key is scoped to (isolation violation)." },
    });
    expect(await tenantsOf(unnamed)).toEqual(["acme"]);
    expect(await tenantsOf(named)).toEqual(["acme"]);
    expect(await tenantsOf(foreign)).toEqual([]);
    expect(await counters("acme")).toEqual({ "spans.stored": 2, "spans.refused.foreign_tenant": 1, isolation_violations: 1 });
    expect(await counters("globex")).toEqual({});
    const violations = await t.sql`SELECT reason, trace_id, claimed_tenant, owner_tenant, spans FROM ingest_isolation_violations`;
    expect(violations).toEqual([{ reason: "foreign_tenant", trace_id: uuid(foreign), claimed_tenant: "globex", owner_tenant: "acme", spans: 1 }]);
  });
});

describe("a platform collector key", () => {
  it("writes the tenant each span names, and refuses spans that name none, an invalid one or an unknown one", async () => {
    const good = id16();
    const invalid = ["tenant#1", "a/b", "..", "", "x".repeat(64), " acme"];
    const result = await send(platformKey, [
      { attributes: { "service.name": "api", "tenant.id": "globex" }, spans: [{ traceId: good, spanId: id8(), startNs: now() }] },
      { attributes: { "service.name": "api" }, spans: [{ traceId: id16(), spanId: id8(), startNs: now() }] },
      ...invalid.map((tenant) => ({ attributes: { "tenant.id": tenant }, spans: [{ traceId: id16(), spanId: id8(), startNs: now() }] })),
      { attributes: { "tenant.id": "initech" }, spans: [{ traceId: id16(), spanId: id8(), startNs: now() }] },
    ]);
    expect(result.partialSuccess).toEqual({
      rejectedSpans: 8,
      errorMessage:
        "Refused 8 of 9 spans: 1 with no tenant.id on the span or its resource, and the key is not scoped to a tenant; " +
        "6 with an invalid tenant.id (letters, digits, '_', '.', '-'; at most 63; no '..'); 1 with a tenant that does not exist.",
    });
    expect(await tenantsOf(good)).toEqual(["globex"]);
    expect(await t.sql`SELECT count(*)::int AS count FROM spans`).toEqual([{ count: 1 }]);
    // Tenants were never created on the fly.
    expect((await t.sql`SELECT id FROM tenants ORDER BY id`).map((r) => r.id)).toEqual(["acme", "globex"]);
  });

  it("refuses a span whose own tenant.id contradicts its resource's", async () => {
    const traceId = id16();
    const result = await send(platformKey, [
      { attributes: { "tenant.id": "acme" }, spans: [{ traceId, spanId: id8(), startNs: now(), attributes: { "tenant.id": "globex" } }] },
    ]);
    expect(result.partialSuccess?.rejectedSpans).toBe(1);
    expect(await tenantsOf(traceId)).toEqual([]);
    const [violation] = await t.sql`SELECT reason, claimed_tenant, owner_tenant FROM ingest_isolation_violations`;
    expect(violation).toEqual({ reason: "conflicting_tenant_claims", claimed_tenant: "globex", owner_tenant: "acme" });
  });
});

describe("a trace is a tenant and an id: one tenant's spans never claim another's trace id", () => {
  const traceRows = (traceId: Buffer) =>
    t.sql`SELECT tenant_id, span_count FROM traces WHERE trace_id = ${uuid(traceId)}::uuid ORDER BY tenant_id`;
  const violations = () => t.sql`SELECT key_id, reason, trace_id, claimed_tenant, owner_tenant, spans FROM ingest_isolation_violations ORDER BY id`;
  /** The raw answer, headers that differ per response left out. */
  async function rawSend(key: string, traceId: Buffer) {
    const res = await postOtlp(server.endpoint, { body: encodeRequest(requestOf([{ attributes: { "service.name": "probe" }, spans: [{ traceId, spanId: id8(), startNs: now() }] }])), key });
    const headers = Object.fromEntries([...res.headers].filter(([name]) => !["date", "x-request-id"].includes(name)));
    return { status: res.status, headers, body: Buffer.from(res.body).toString("hex") };
  }

  it("a tenant that learns another's trace id and sends a span with it changes nothing for the owner, learns nothing, and is logged for admins", async () => {
    const globexKey = await keyFor(t, "globex");
    const [globexKeyRow] = await t.sql<{ id: string }[]>`SELECT id FROM ingest_keys WHERE tenant_id = 'globex'`;
    const globexKeyId = globexKeyRow!.id;
    const traceId = id16();
    const root = id8();
    await send(acmeKey, [{ attributes: { "service.name": "web" }, spans: [{ traceId, spanId: root, startNs: now() }] }]);

    // The attacker's answer for acme's id is byte for byte its answer for an id no one has.
    const probe = await rawSend(globexKey, traceId);
    const fresh = await rawSend(globexKey, id16());
    expect(probe).toEqual(fresh);
    expect(probe.status).toBe(200);

    // Every later span of the owner is stored, in the owner's trace only.
    const late = Array.from({ length: 5 }, () => ({ traceId, spanId: id8(), parentSpanId: root, startNs: now() }));
    expect(await send(acmeKey, [{ attributes: { "service.name": "db" }, spans: late }])).toEqual({});
    expect(await traceRows(traceId)).toEqual([{ tenant_id: "acme", span_count: 6 }, { tenant_id: "globex", span_count: 1 }]);
    expect(await t.sql`SELECT count(*)::int AS n FROM spans WHERE tenant_id = 'acme' AND trace_id = ${uuid(traceId)}::uuid`).toEqual([{ n: 6 }]);
    const acmeServices = await t.sql`SELECT services FROM traces WHERE tenant_id = 'acme' AND trace_id = ${uuid(traceId)}::uuid`;
    expect(acmeServices).toEqual([{ services: ["db", "web"] }]);

    // Admins see who collided with whom, with which key; the tenants' counters say nothing of it.
    expect(await violations()).toEqual([
      { key_id: globexKeyId, reason: "shared_trace_id", trace_id: uuid(traceId), claimed_tenant: "globex", owner_tenant: "acme", spans: 1 },
    ]);
    expect(await counters("globex")).toEqual({ "spans.stored": 2 });
    expect(await counters("acme")).toEqual({ "spans.stored": 6 });
    // The admins' tenants page lists it.
    const [logged] = await recentIsolationViolations(t.sql);
    expect(logged).toMatchObject({ reason: "shared_trace_id", traceId: traceId.toString("hex"), claimedTenant: "globex", ownerTenant: "acme", keyName: expect.any(String), spans: 1 });
  });

  it("within one request, spans of one id for two tenants become two traces, each whole", async () => {
    const traceId = id16();
    const root = id8();
    const result = await send(platformKey, [
      { attributes: { "tenant.id": "globex" }, spans: [{ traceId, spanId: id8(), parentSpanId: root, startNs: now() }] },
      { attributes: { "tenant.id": "acme" }, spans: [{ traceId, spanId: root, startNs: now() }, { traceId, spanId: id8(), parentSpanId: root, startNs: now() }] },
    ]);
    expect(result).toEqual({});
    expect(await tenantsOf(traceId)).toEqual(["acme", "acme", "globex"]);
    expect(await traceRows(traceId)).toEqual([{ tenant_id: "acme", span_count: 2 }, { tenant_id: "globex", span_count: 1 }]);
    const [violation] = await violations();
    expect(violation).toMatchObject({ reason: "shared_trace_id", claimed_tenant: "globex", owner_tenant: "acme", spans: 1 });
  });

  it("an investigator looking the id up gets one result per tenant, each trace only its own spans", async () => {
    const traceId = id16();
    await send(platformKey, [{ attributes: { "tenant.id": "acme", "service.name": "web" }, spans: [{ traceId, spanId: id8(), startNs: now() }] }]);
    await send(platformKey, [{ attributes: { "tenant.id": "globex", "service.name": "intruder" }, spans: [{ traceId, spanId: id8(), startNs: now() }] }]);
    const hex = traceId.toString("hex");
    const ALL = { all: true } as const;
    const parsed = parseSearch({ q: hex });
    if (!parsed.ok) throw new Error(parsed.message);
    const found = await t.asReader(ALL, (tx) => searchTracesIn(tx, ALL, parsed.filters));
    expect(found.traces.map((r) => [r.tenantId, r.rootService]).sort()).toEqual([["acme", "web"], ["globex", "intruder"]]);

    const acme = await t.asReader(ALL, (tx) => findTraceHeader(tx, ALL, hex));
    expect(acme).toMatchObject({ tenantId: "acme", services: ["web"], spanCount: 1, otherTenants: ["globex"] });
    const globex = await t.asReader(ALL, (tx) => findTraceHeader(tx, ALL, hex, "globex"));
    expect(globex).toMatchObject({ tenantId: "globex", services: ["intruder"], spanCount: 1, otherTenants: ["acme"] });
    // A viewer of one tenant is offered nothing of the other.
    const acmeOnly = { all: false, tenantIds: ["acme"] } as const;
    expect(await t.asReader(acmeOnly, (tx) => findTraceHeader(tx, acmeOnly, hex))).toMatchObject({ tenantId: "acme", otherTenants: [] });
    expect(await t.asReader(acmeOnly, (tx) => findTraceHeader(tx, acmeOnly, hex, "globex"))).toBeNull();
  });

  it("under concurrent requests for one id from two tenants, each tenant gets its whole trace and one collision is logged", async () => {
    for (let round = 0; round < 5; round++) {
      const traceId = id16();
      const results = await Promise.all(
        ["acme", "globex", "acme", "globex"].map((tenant) => send(platformKey, [{ attributes: { "tenant.id": tenant }, spans: [{ traceId, spanId: id8(), startNs: now() }] }])),
      );
      expect(results).toEqual([{}, {}, {}, {}]);
      expect(await traceRows(traceId)).toEqual([{ tenant_id: "acme", span_count: 2 }, { tenant_id: "globex", span_count: 2 }]);
      expect((await t.sql`SELECT count(*)::int AS n FROM ingest_isolation_violations WHERE trace_id = ${uuid(traceId)}::uuid`)[0]!.n).toBe(1);
    }
  });
});

describe("the traces summary", () => {
  it("is extended by late spans: time range, counts, services, root and flags", async () => {
    const traceId = id16();
    const rootId = id8();
    const base = now() - 10_000n * MS;
    // First the children, from two services; one failed.
    await send(acmeKey, [
      { attributes: { "service.name": "db" }, spans: [{ traceId, spanId: id8(), parentSpanId: rootId, startNs: base + 10n * MS, durationNs: 5n * MS + 7n }] },
      {
        attributes: { "service.name": "billing" },
        spans: [{ traceId, spanId: id8(), parentSpanId: rootId, startNs: base + 20n * MS, durationNs: 30n * MS, status: { code: 2, message: "declined" } }],
      },
    ]);
    let [summary] = await t.sql`SELECT * FROM traces`;
    expect(summary).toMatchObject({ root_span_id: null, root_duration_ns: null, span_count: 2, error_count: 1, services: ["billing", "db"], has_error: true, is_slow: false, duration_ns: 40n * MS });

    // Then the root: earlier, longer than the tenant's 100 ms threshold, and security-related.
    await send(acmeKey, [
      {
        attributes: { "service.name": "gateway", "request.id": "req-late-root-1" },
        spans: [{ traceId, spanId: rootId, name: "POST /pay", startNs: base, durationNs: 150n * MS + 3n, attributes: { "security.operation": true } }],
      },
    ]);
    [summary] = await t.sql`SELECT *, (extract(epoch FROM start_time) * 1000000)::bigint AS start_us FROM traces`;
    expect(summary).toMatchObject({
      start_us: base / 1000n,
      duration_ns: 150n * MS + 3n,
      root_span_id: spanIdToBigint(rootId.toString("hex")),
      root_service: "gateway",
      root_name: "POST /pay",
      root_duration_ns: 150n * MS + 3n,
      request_id: "req-late-root-1",
      span_count: 3,
      error_count: 1,
      services: ["billing", "db", "gateway"],
      has_error: true,
      is_slow: true,
      is_security: true,
    });
  });

  it("weights a root kept by head sampling at ratio r as 1/r traces", async () => {
    await send(acmeKey, [{ attributes: {}, spans: [{ traceId: id16(), spanId: id8(), startNs: now(), attributes: { "sampling.reason": "ratio", "sampling.ratio": 0.25 } }] }]);
    expect(await t.sql`SELECT sample_weight FROM traces`).toEqual([{ sample_weight: 4 }]);
  });
});

describe("retries", () => {
  it("store nothing twice: spans, summaries and counts stay as after the first attempt", async () => {
    const traceId = id16();
    const body = encodeRequest(requestOf([{ attributes: { "service.name": "api" }, spans: Array.from({ length: 5 }, (_, i) => ({ traceId, spanId: id8(), startNs: now() + BigInt(i) })) }]));
    for (let attempt = 0; attempt < 3; attempt++) {
      const res = await postOtlp(server.endpoint, { body, key: acmeKey });
      expect(res.status).toBe(200);
      expect(decodeExportResponse(res.body)).toEqual({});
    }
    expect(await t.sql`SELECT count(*)::int AS n FROM spans`).toEqual([{ n: 5 }]);
    expect(await t.sql`SELECT span_count FROM traces`).toEqual([{ span_count: 5 }]);
    expect(await counters("acme")).toEqual({ "spans.stored": 5, "spans.duplicate": 10 });
  });
});

describe("time", () => {
  it("refuses spans older than the tenant's longest retention or more than a day ahead, creating no partition for them", async () => {
    const day = 86_400_000n * MS;
    const result = await send(acmeKey, [
      {
        attributes: {},
        spans: [
          { traceId: id16(), spanId: id8(), startNs: now() - 31n * day },
          { traceId: id16(), spanId: id8(), startNs: now() + 2n * day },
          { traceId: id16(), spanId: id8(), startNs: now() - 29n * day },
        ],
      },
    ]);
    expect(result.partialSuccess).toEqual({
      rejectedSpans: 2,
      errorMessage: "Refused 2 of 3 spans: 1 with a start time older than the tenant's retention; 1 with a start time more than a day ahead.",
    });
    const day31 = new Date(Number((now() - 31n * day) / MS)).toISOString().slice(0, 10).replaceAll("-", "");
    expect(await t.sql`SELECT to_regclass(${`spans_p${day31}`}) AS part`).toEqual([{ part: null }]);
    expect(await t.sql`SELECT count(*)::int AS n FROM spans`).toEqual([{ n: 1 }]);
  });
});

describe("limits", () => {
  it("record what they cut as dropped counts and counters, not silently", async () => {
    const attributes = Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`attr.${String(i).padStart(3, "0")}`, i] as const));
    const long = "x".repeat(5000);
    await send(acmeKey, [{ attributes: {}, spans: [{ traceId: id16(), spanId: id8(), startNs: now(), attributes: { ...attributes, "message.body": long } }] }]);
    const [row] = await t.sql`SELECT attributes, dropped_attributes_count FROM spans`;
    expect(Object.keys(row!.attributes)).toHaveLength(128);
    expect(row!.dropped_attributes_count).toBe(3);
    expect(await counters("acme")).toEqual({ "spans.stored": 1, "limits.dropped_attributes": 3 });

    await send(acmeKey, [{ attributes: {}, spans: [{ traceId: id16(), spanId: id8(), startNs: now(), attributes: { "message.body": long } }] }]);
    const [truncated] = await t.sql`SELECT attributes->>'message.body' AS body FROM spans WHERE attributes ? 'message.body'`;
    expect(truncated!.body).toHaveLength(4096);
    expect(truncated!.body).toMatch(/^x+…\[truncated from 5000 characters\]$/);
    expect((await counters("acme"))["limits.truncated_values"]).toBe(1);
  });
});
