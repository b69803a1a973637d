import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantScope } from "@/db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { suggestIn } from "./autocomplete";
import { autocompleteParamsSchema } from "./autocomplete-params";
import { CursorError, searchTracesIn, type SearchResult } from "./search";
import { parseSearch, type RawSearchParams } from "./search-params";

let t: TestDatabase;

const ALL: TenantScope = { all: true };
const ALPHA: TenantScope = { all: false, tenantIds: ["alpha"] };
const BETA: TenantScope = { all: false, tenantIds: ["beta"] };

const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
const A1 = id(1), A2 = id(2), A3 = id(3), A_OLD = id(4), A_OLD_ERR = id(5), B1 = id(6);

interface Seed {
  tenant: string;
  trace: string;
  minutesAgo: number;
  ms: number;
  root?: [string, string];
  services?: string[];
  errors?: number;
  requestId?: string;
  attributes?: Record<string, unknown[]>;
}

async function insert(s: Seed) {
  const [service, name] = s.root ?? ["edge-gateway", "GET /api/projects"];
  await t.sql`
    INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, root_span_id, root_service, root_name, request_id,
                        span_count, error_count, services, has_error, attributes)
    VALUES (${s.tenant}, ${s.trace}, now() - ${s.minutesAgo} * interval '1 minute', now(), ${s.ms * 1_000_000}, 1, ${service}, ${name},
            ${s.requestId ?? null}, ${(s.services ?? [service]).length + 1}, ${s.errors ?? 0}, ${s.services ?? [service]}, ${(s.errors ?? 0) > 0},
            (${JSON.stringify(s.attributes ?? {})}::text)::jsonb)`;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`INSERT INTO tenants (id, name, retention_days, kept_retention_days) VALUES ('alpha', 'Alpha', 14, 30), ('beta', 'Beta', 14, 30), ('bulk', 'Bulk', 14, 30)`;
  await insert({ tenant: "alpha", trace: A1, minutesAgo: 10, ms: 120, services: ["edge-gateway", "web-api"], requestId: "req-a1", attributes: { "http.route": ["/api/projects"], "http.response.status_code": [200] } });
  await insert({
    tenant: "alpha", trace: A2, minutesAgo: 20, ms: 2500, root: ["edge-gateway", "POST /api/tasks"], services: ["billing-worker", "edge-gateway", "web-api"],
    errors: 2, requestId: "req-a2", attributes: { "job.id": ["job_42"], "http.response.status_code": [500, 200] },
  });
  await insert({ tenant: "alpha", trace: A3, minutesAgo: 30, ms: 300, requestId: "req-a3", attributes: { "feature_flag.key": ["new-board"], "http.response.status_code": ["404"] } });
  await insert({ tenant: "alpha", trace: A_OLD, minutesAgo: 20 * 1440, ms: 10 });
  await insert({ tenant: "alpha", trace: A_OLD_ERR, minutesAgo: 20 * 1440, ms: 10, errors: 1 });
  await insert({
    tenant: "beta", trace: B1, minutesAgo: 5, ms: 900, root: ["secret-gateway", "GET /beta/only"], services: ["beta-ledger", "secret-gateway"],
    errors: 1, requestId: "req-b1", attributes: { "job.id": ["job_99"], "beta.secret": ["x"] },
  });
  // 90 traces, 30 of them sharing one start time, to page through ties.
  for (let i = 0; i < 90; i++) {
    await insert({ tenant: "bulk", trace: id(1000 + i), minutesAgo: i < 30 ? 100 : 100 + i, ms: (i * 37) % 50, errors: i % 4 === 0 ? i % 3 : 0 });
  }
  await t.sql`INSERT INTO resources (tenant_id, id, attributes) VALUES
    ('alpha', 1, '{"service.name": "edge-gateway"}'), ('alpha', 2, '{"service.name": "billing-worker"}'),
    ('beta', 1, '{"service.name": "secret-gateway"}'), ('beta', 2, '{"service.name": "beta-ledger"}')`;
});

afterAll(async () => {
  await t.drop();
});

async function search(scope: TenantScope, raw: RawSearchParams): Promise<SearchResult> {
  const parsed = parseSearch(raw);
  if (!parsed.ok) throw new Error(parsed.message);
  return t.asReader(scope, (tx) => searchTracesIn(tx, scope, parsed.filters));
}

async function ids(scope: TenantScope, raw: RawSearchParams): Promise<string[]> {
  return (await search(scope, raw)).traces.map((h) => h.traceId);
}

const notBulk = { tenant: ["alpha", "beta"] };

describe("searchTraces filters", () => {
  it("lists the newest traces first within the last 24 hours and within retention", async () => {
    expect(await ids(ALL, notBulk)).toEqual([B1, A1, A2, A3]);
    const first = (await search(ALL, notBulk)).traces[0]!;
    expect(first).toMatchObject({ tenantId: "beta", rootService: "secret-gateway", rootName: "GET /beta/only", durationNs: 900_000_000, spanCount: 3, errorCount: 1, requestId: "req-b1" });
    expect(first.startTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it("filters by the services a trace touched and by its root operation", async () => {
    expect(await ids(ALL, { service: "billing-worker" })).toEqual([A2]);
    expect(await ids(ALL, { ...notBulk, operation: "GET /api/projects" })).toEqual([A1, A3]);
    expect(await ids(ALL, { service: "web-api", operation: "POST /api/tasks" })).toEqual([A2]);
  });

  it("filters by status and duration bounds", async () => {
    expect(await ids(ALL, { ...notBulk, status: "error" })).toEqual([B1, A2]);
    expect(await ids(ALL, { ...notBulk, status: "ok" })).toEqual([A1, A3]);
    expect(await ids(ALL, { ...notBulk, minDuration: "1s" })).toEqual([A2]);
    expect(await ids(ALL, { ...notBulk, minDuration: "250ms", maxDuration: "0.9s" })).toEqual([B1, A3]);
  });

  it("matches attribute conditions against the per-trace summary", async () => {
    expect(await ids(ALL, { attr: "job.id = job_42" })).toEqual([A2]);
    expect(await ids(ALL, { attr: "http.response.status_code > 499" })).toEqual([A2]);
    expect(await ids(ALL, { attr: "http.response.status_code < 300" })).toEqual([A1, A2]);
    // "404" was stored as a string and "200" typed in the filter matches the number 200.
    expect(await ids(ALL, { attr: "http.response.status_code = 404" })).toEqual([A3]);
    expect(await ids(ALL, { attr: "http.response.status_code = 200" })).toEqual([A1, A2]);
    expect(await ids(ALL, { attr: "http.response.status_code != 500" })).toEqual([A1, A3]);
    expect(await ids(ALL, { attr: "feature_flag.key exists" })).toEqual([A3]);
    expect(await ids(ALL, { attr: ["http.response.status_code exists", "job.id exists"] })).toEqual([A2]);
    // A value is data, quotes and all: it matches nothing here, and changes nothing.
    expect(await ids(ALL, { attr: "job.id = job_42' OR '1'='1" })).toEqual([]);
    expect(await ids(ALL, { ...notBulk, attr: "job.id != x'; DROP TABLE traces; --" })).toEqual([B1, A2]);
    expect(await ids(ALL, { ...notBulk })).toEqual([B1, A1, A2, A3]);
  });

  it("looks a trace up by trace id (hex or uuid), request id or job id, whatever the time window", async () => {
    expect(await ids(ALL, { q: A1.replace(/-/g, "") })).toEqual([A1]);
    expect(await ids(ALL, { q: A1 })).toEqual([A1]);
    expect(await ids(ALL, { q: "req-a2" })).toEqual([A2]);
    expect(await ids(ALL, { q: "job_42", range: "15m" })).toEqual([A2]);
    expect(await ids(ALL, { q: "no-such-request" })).toEqual([]);
  });

  it("hides traces past their tenant's retention; kept (error) traces live longer", async () => {
    const from = new Date(Date.now() - 25 * 86_400_000).toISOString();
    const to = new Date(Date.now() - 15 * 86_400_000).toISOString();
    expect(await ids(ALL, { tenant: "alpha", from, to })).toEqual([A_OLD_ERR]);
    expect(await ids(ALL, { q: A_OLD })).toEqual([]);
  });

  it("sorts by duration, spans and errors", async () => {
    expect(await ids(ALL, { tenant: "alpha", sort: "duration" })).toEqual([A2, A3, A1]);
    expect(await ids(ALL, { tenant: "alpha", sort: "duration", dir: "asc" })).toEqual([A1, A3, A2]);
    expect((await ids(ALL, { tenant: "alpha", sort: "errors" }))[0]).toBe(A2);
  });
});

describe("cursor pagination", () => {
  async function allPages(raw: RawSearchParams): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const result = await search(ALL, { ...raw, ...(cursor ? { cursor } : {}) });
      seen.push(...result.traces.map((h) => h.traceId));
      if (!result.nextCursor) return seen;
      cursor = result.nextCursor;
    }
    throw new Error("pagination did not end");
  }

  for (const [sort, dir] of [["start", "desc"], ["start", "asc"], ["duration", "desc"], ["duration", "asc"], ["spans", "desc"], ["errors", "desc"]] as const) {
    it(`walks every page of sort=${sort} ${dir} once, ties included, in the single-page order`, async () => {
      const raw = { tenant: "bulk", range: "7d", sort, dir };
      const whole = await ids(ALL, { ...raw, limit: "200" });
      expect(whole).toHaveLength(90);
      const paged = await allPages({ ...raw, limit: "7" });
      expect(paged).toEqual(whole);
    });
  }

  it("refuses a cursor of another sort order, and a forged one", async () => {
    const { nextCursor } = await search(ALL, { tenant: "bulk", range: "7d", limit: "5" });
    expect(nextCursor).toBeTruthy();
    await expect(search(ALL, { tenant: "bulk", range: "7d", sort: "duration", cursor: nextCursor! })).rejects.toBeInstanceOf(CursorError);
    const forged = Buffer.from(JSON.stringify(["start", "desc", "1; DROP TABLE traces", "bulk", A1])).toString("base64url");
    await expect(search(ALL, { cursor: forged })).rejects.toBeInstanceOf(CursorError);
    await expect(search(ALL, { cursor: "bm90LWpzb24" })).rejects.toBeInstanceOf(CursorError);
  });
});

describe("tenant isolation", () => {
  it("never shows an alpha viewer a beta trace: not by search, filter, status or lookup", async () => {
    expect(await ids(ALPHA, {})).toEqual([A1, A2, A3]);
    expect(await ids(ALPHA, { tenant: "beta" })).toEqual([]);
    expect(await ids(ALPHA, { status: "error" })).toEqual([A2]);
    expect(await ids(ALPHA, { q: "req-b1" })).toEqual([]);
    expect(await ids(ALPHA, { q: B1 })).toEqual([]);
    expect(await ids(ALPHA, { q: "job_99" })).toEqual([]);
    expect(await ids(ALPHA, { attr: "beta.secret exists" })).toEqual([]);
    expect(await ids(BETA, {})).toEqual([B1]);
  });

  async function suggestions(scope: TenantScope, raw: Record<string, string>) {
    const p = autocompleteParamsSchema.parse(raw);
    return t.asReader(scope, (tx) => suggestIn(tx, scope, p));
  }

  it("suggests only the caller's services, operations and attribute keys", async () => {
    expect(await suggestions(ALPHA, { field: "service" })).toEqual(["billing-worker", "edge-gateway"]);
    expect(await suggestions(ALL, { field: "service", prefix: "S" })).toEqual(["secret-gateway"]);
    expect(await suggestions(ALPHA, { field: "service", prefix: "secret" })).toEqual([]);
    expect(await suggestions(ALPHA, { field: "service", tenant: "beta" })).toEqual([]);
    expect(await suggestions(ALPHA, { field: "operation" })).toEqual(["GET /api/projects", "POST /api/tasks"]);
    expect(await suggestions(ALL, { field: "operation", prefix: "get /b" })).toEqual(["GET /beta/only"]);
    expect(await suggestions(ALPHA, { field: "attribute_key", prefix: "j" })).toEqual(["job.id"]);
    expect(await suggestions(ALPHA, { field: "attribute_key", prefix: "beta" })).toEqual([]);
    expect(await suggestions(BETA, { field: "attribute_key", prefix: "beta" })).toEqual(["beta.secret"]);
  });
});
