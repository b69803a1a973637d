import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantScope } from "@/db/tenant-scope";
import { generateDemoTraces, seedTenants } from "@/scripts/demo/index";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { criticalPath } from "@/lib/traces/trace/critical-path";
import { searchTracesIn } from "@/lib/traces/search/search";
import { parseSearch } from "@/lib/traces/search/search-params";
import { bigintToSpanId, spanIdToBigint, traceIdToUuid, uuidToTraceId } from "@/db/span-codec/ids";
import { errorsByTenant, GROUPS_PER_TENANT } from "./errors";
import { findLineage } from "./lineage";
import { retryLoops } from "./retries";
import { slowRequests } from "./slow";
import { tenantFilter } from "./tenant-filter";

let t: TestDatabase;
const now = new Date();
const window = { from: new Date(now.getTime() - 2 * 86_400_000), to: new Date(now.getTime() + 60_000) };
const ALL: TenantScope = { all: true };
const GLOBEX: TenantScope = { all: false, tenantIds: ["globex"] };

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenants(t.sql);
  await generateDemoTraces(t.sql, { traces: 4000, days: 1, seed: 4242, now });
  await t.sql`ANALYZE`;
}, 120_000);

afterAll(async () => {
  await t.drop();
});

describe("errors by tenant", () => {
  it("counts, first and last seen and examples match plain SQL over the error spans", async () => {
    const view = await t.asReader(ALL, (tx) => errorsByTenant(tx, tenantFilter(ALL, []), window));
    const reference = await t.sql<{ tenant_id: string; service: string; type: string | null; message: string | null; spans: number; traces: number; first: Date; last: Date }[]>`
      SELECT s.tenant_id, s.service,
             jsonb_path_query_first(s.events, '$[*] ? (@.name == "exception").attributes."exception.type"') #>> '{}' AS type,
             coalesce(jsonb_path_query_first(s.events, '$[*] ? (@.name == "exception").attributes."exception.message"') #>> '{}', s.status_message) AS message,
             count(*)::int AS spans, count(DISTINCT s.trace_id)::int AS traces, min(s.start_time) AS first, max(s.start_time) AS last
      FROM spans s JOIN traces tr ON tr.tenant_id = s.tenant_id AND tr.trace_id = s.trace_id
      WHERE s.status_code = 2 AND tr.start_time >= ${window.from} AND tr.start_time < ${window.to}
      GROUP BY 1, 2, 3, 4`;
    const totals = await t.sql<{ tenant_id: string; traces: number }[]>`
      SELECT tenant_id, count(*)::int AS traces FROM traces
      WHERE has_error AND start_time >= ${window.from} AND start_time < ${window.to} GROUP BY 1`;
    expect(reference.length).toBeGreaterThan(20);
    expect(Object.fromEntries(view.map((v) => [v.tenantId, v.traces]))).toEqual(Object.fromEntries(totals.map((r) => [r.tenant_id, r.traces])));

    const key = (r: { tenant_id?: string; tenantId?: string; service: string; type: string | null; message: string | null }) =>
      JSON.stringify([r.tenant_id ?? r.tenantId, r.service, r.type, r.message]);
    const byKey = new Map(reference.map((r) => [key(r), r]));
    for (const tenant of view) {
      const expected = reference.filter((r) => r.tenant_id === tenant.tenantId);
      expect(tenant.groups.length).toBe(Math.min(GROUPS_PER_TENANT, expected.length));
      expect(tenant.spans).toBe(expected.reduce((a, r) => a + r.spans, 0));
      for (const g of tenant.groups) {
        const ref = byKey.get(key(g))!;
        expect(ref, key(g)).toBeDefined();
        expect({ spans: g.spans, traces: g.traces, first: g.firstSeen, last: g.lastSeen }).toEqual({ spans: ref.spans, traces: ref.traces, first: ref.first, last: ref.last });
        const [example] = await t.sql`
          SELECT 1 FROM spans WHERE trace_id = ${traceIdToUuid(g.example.traceId)}::uuid AND span_id = ${spanIdToBigint(g.example.spanId).toString()}::bigint
            AND tenant_id = ${g.tenantId} AND status_code = 2 AND service = ${g.service}`;
        expect(example).toBeDefined();
      }
    }
  });

  it("keeps only errors whose type or message contains the text, case-insensitively", async () => {
    const view = await t.asReader(ALL, (tx) => errorsByTenant(tx, tenantFilter(ALL, []), window, "DEADLOCK"));
    const groups = view.flatMap((v) => v.groups);
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) expect(`${g.type} ${g.message}`.toLowerCase()).toContain("deadlock");
  });

  it("shows a tenant viewer only their tenants, even when the SQL filter is bypassed", async () => {
    const filtered = await t.asReader(GLOBEX, (tx) => errorsByTenant(tx, tenantFilter(GLOBEX, []), window));
    expect(filtered.map((v) => v.tenantId)).toEqual(["globex"]);
    const rlsOnly = await t.asReader(GLOBEX, (tx) => errorsByTenant(tx, { all: true }, window));
    expect(rlsOnly.map((v) => v.tenantId)).toEqual(["globex"]);
  });
});

describe("retry loops", () => {
  it("finds every job and resent operation that ran more than n times, with its outcome", async () => {
    const view = await t.asReader(ALL, (tx) => retryLoops(tx, tenantFilter(ALL, []), window, 1));
    const jobs = await t.sql<{ trace_id: string; job_id: string; attempts: number; runs: number; last_failed: boolean }[]>`
      SELECT trace_id::text, attributes->>'job.id' AS job_id, max((attributes->>'job.attempt')::int) AS attempts, count(*)::int AS runs,
             (array_agg(status_code = 2 ORDER BY (attributes->>'job.attempt')::int DESC))[1] AS last_failed
      FROM spans WHERE attributes ? 'job.attempt' AND start_time >= ${window.from} AND start_time < ${window.to}
      GROUP BY 1, 2 HAVING max((attributes->>'job.attempt')::int) > 1`;
    const resends = await t.sql<{ trace_id: string; name: string; attempts: number }[]>`
      SELECT trace_id::text, name, max((attributes->>'http.request.resend_count')::int) + 1 AS attempts
      FROM spans WHERE attributes ? 'http.request.resend_count' AND start_time >= ${window.from} AND start_time < ${window.to}
      GROUP BY trace_id, parent_span_id, name`;
    expect(jobs.length).toBeGreaterThan(3);
    const expected = jobs.length + resends.length;
    expect(view.length).toBe(Math.min(50, expected));

    const viewJobs = view.filter((l) => l.kind === "job");
    for (const loop of viewJobs) {
      const ref = jobs.find((j) => j.job_id === loop.key && uuidToTraceId(j.trace_id) === loop.traceId)!;
      expect(ref).toBeDefined();
      expect(loop.attempts).toBe(ref.attempts);
      expect(loop.timeline.length).toBe(ref.runs);
      expect(loop.timeline.map((a) => a.attempt)).toEqual(Array.from({ length: ref.runs }, (_, i) => i + 1));
      expect(loop.outcome === "succeeded").toBe(!ref.last_failed);
    }
    const attemptsSorted = view.map((l) => l.attempts);
    expect(attemptsSorted).toEqual([...attemptsSorted].sort((a, b) => b - a));
  });

  it("raising n keeps only the longer loops", async () => {
    const view = await t.asReader(ALL, (tx) => retryLoops(tx, tenantFilter(ALL, []), window, 3));
    const [ref] = await t.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM (
        SELECT 1 FROM spans WHERE attributes ? 'job.attempt' AND start_time >= ${window.from} AND start_time < ${window.to}
        GROUP BY trace_id, attributes->>'job.id' HAVING max((attributes->>'job.attempt')::int) > 3
        UNION ALL
        SELECT 1 FROM spans WHERE attributes ? 'http.request.resend_count' AND start_time >= ${window.from} AND start_time < ${window.to}
        GROUP BY trace_id, parent_span_id, name HAVING max((attributes->>'http.request.resend_count')::int) + 1 > 3) x`;
    expect(view.length).toBe(Math.min(50, ref!.n));
    for (const loop of view) expect(loop.attempts).toBeGreaterThan(3);
  });
});

describe("slow requests", () => {
  it("lists slow roots by root duration with the service dominating each critical path", async () => {
    const view = await t.asReader(ALL, (tx) => slowRequests(tx, tenantFilter(ALL, []), window, { limit: 10 }));
    const ref = await t.sql<{ tenant_id: string; trace_id: string; duration_ns: bigint }[]>`
      SELECT tr.tenant_id, tr.trace_id::text, s.duration_ns FROM traces tr
      JOIN spans s ON s.tenant_id = tr.tenant_id AND s.trace_id = tr.trace_id AND s.span_id = tr.root_span_id
      WHERE tr.is_slow AND tr.start_time >= ${window.from} AND tr.start_time < ${window.to}
      ORDER BY s.duration_ns DESC, tr.tenant_id, tr.trace_id LIMIT 10`;
    expect(view.length).toBe(ref.length);
    expect(view.length).toBeGreaterThan(0);
    expect(view.map((v) => [v.traceId, v.requestNs])).toEqual(ref.map((r) => [uuidToTraceId(r.trace_id), r.duration_ns]));
    for (const [i, v] of view.entries()) {
      const spans = await t.sql<{ span_id: bigint; parent_span_id: bigint | null; service: string; start_us: number; duration_ns: bigint }[]>`
        SELECT span_id, parent_span_id, service, (extract(epoch FROM start_time) * 1e6)::float8 AS start_us, duration_ns
        FROM spans WHERE tenant_id = ${ref[i]!.tenant_id} AND trace_id = ${ref[i]!.trace_id}::uuid`;
      const origin = Math.min(...spans.map((s) => s.start_us));
      const [root] = await t.sql<{ root_span_id: bigint }[]>`SELECT root_span_id FROM traces WHERE tenant_id = ${ref[i]!.tenant_id} AND trace_id = ${ref[i]!.trace_id}::uuid`;
      const path = criticalPath(spans.map((s) => ({
        id: s.span_id.toString(), parentId: s.parent_span_id?.toString() ?? null, service: s.service,
        start: Math.round(s.start_us - origin) * 1000, end: Math.round(s.start_us - origin) * 1000 + Number(s.duration_ns),
      })), root!.root_span_id.toString());
      expect(v.capped).toBe(false);
      expect(v.services[0]?.service).toBe(path.byService[0]?.service);
      expect(v.services[0]?.timeNs).toBe(path.byService[0]?.time);
    }
  });
});

describe("slow requests by end-to-end latency", () => {
  it("finds the fast request whose job took the time, and ranks the job's service first", async () => {
    const view = await t.asReader(ALL, (tx) => slowRequests(tx, tenantFilter(ALL, []), window, { rank: "end-to-end", limit: 100 }));
    const [showcase] = await t.sql<{ trace_id: string }[]>`SELECT trace_id::text FROM spans WHERE name = 'process bulk-import' LIMIT 1`;
    const row = view.find((v) => v.traceId === uuidToTraceId(showcase!.trace_id));
    expect(row, "the bulk import is among the slowest traces end to end").toBeDefined();
    expect(Number(row!.requestNs)).toBeLessThan(Number(row!.endToEndNs) / 10);
    expect(row!.services[0]!.service).toBe("job-worker");
    expect(row!.queueWaitNs).toBeGreaterThan(0);
    // By request latency it is not slow at all: that ranking misses it.
    const byRequest = await t.asReader(ALL, (tx) => slowRequests(tx, tenantFilter(ALL, []), window, { limit: 100 }));
    expect(byRequest.some((v) => v.traceId === row!.traceId)).toBe(false);
  });

  it("agrees with a search sorted by duration on the slowest traces", async () => {
    for (const scope of [ALL, GLOBEX]) {
      const slow = await t.asReader(scope, (tx) => slowRequests(tx, tenantFilter(scope, []), window, { rank: "end-to-end", limit: 20 }));
      const parsed = parseSearch({ sort: "duration", dir: "desc", limit: "20", from: window.from.toISOString(), to: window.to.toISOString() });
      if (!parsed.ok) throw new Error(parsed.message);
      const search = await t.asReader(scope, (tx) => searchTracesIn(tx, scope, parsed.filters));
      expect(slow.length).toBe(20);
      expect(slow.map((s) => [s.tenantId, s.traceId, Number(s.endToEndNs)])).toEqual(search.traces.map((h) => [h.tenantId, uuidToTraceId(h.traceId), h.durationNs]));
    }
  });
});

describe("job lineage", () => {
  it("goes from a job id to the request that triggered it, and from the request to all it triggered", async () => {
    const [job] = await t.sql<{ tenant_id: string; trace_id: string; job_id: string; request_id: string }[]>`
      SELECT s.tenant_id, s.trace_id::text, s.attributes->>'job.id' AS job_id, tr.request_id
      FROM spans s JOIN traces tr ON tr.tenant_id = s.tenant_id AND tr.trace_id = s.trace_id
      WHERE s.attributes->>'job.name' = 'send-receipt' AND s.attributes ? 'job.attempt' AND tr.request_id IS NOT NULL
      ORDER BY s.start_time LIMIT 1`;
    expect(job).toBeDefined();
    const scope: TenantScope = { all: false, tenantIds: [job!.tenant_id] };
    const found = await t.asReader(scope, (tx) => findLineage(tx, tenantFilter(scope, []), window, job!.job_id));
    expect(found).toHaveLength(1);
    const trace = found[0]!;
    expect(trace).toMatchObject({ matched: "job", requestId: job!.request_id, traceId: uuidToTraceId(job!.trace_id), capped: false });
    // Every span of the trace is read, also one that starts in the trace's last millisecond.
    expect(trace.loadedSpans).toBe(trace.spanCount);
    const request = trace.nodes[0]!;
    expect(request).toMatchObject({ kind: "request", id: job!.request_id, depth: 0 });
    // send-receipt is enqueued by the subscription.changed handler: request → event → job.
    const jobNode = trace.nodes.find((n) => n.kind === "job" && n.id === job!.job_id)!;
    const parent = trace.nodes.find((n) => `${n.kind}:${n.id}` === jobNode.parent)!;
    expect(parent).toMatchObject({ kind: "event", name: "subscription.changed" });

    const byRequest = await t.asReader(scope, (tx) => findLineage(tx, tenantFilter(scope, []), window, job!.request_id));
    expect(byRequest.map((r) => r.matched)).toEqual(["request"]);
    const ref = await t.sql<{ job_id: string | null; event_id: string | null }[]>`
      SELECT DISTINCT attributes->>'job.id' AS job_id, attributes->>'event.id' AS event_id FROM spans
      WHERE tenant_id = ${job!.tenant_id} AND trace_id = ${job!.trace_id}::uuid AND (attributes ? 'job.id' OR attributes ? 'event.id')`;
    const nodes = byRequest[0]!.nodes;
    expect(nodes.filter((n) => n.kind === "job").map((n) => n.id).sort()).toEqual(ref.flatMap((r) => (r.job_id ? [r.job_id] : [])).sort());
    expect(nodes.filter((n) => n.kind === "event").map((n) => n.id).sort()).toEqual(ref.flatMap((r) => (r.event_id ? [r.event_id] : [])).sort());
    const [outcomes] = await t.sql<{ failed: boolean }[]>`
      SELECT (array_agg(status_code = 2 ORDER BY (attributes->>'job.attempt')::int DESC))[1] AS failed FROM spans
      WHERE tenant_id = ${job!.tenant_id} AND attributes->>'job.id' = ${job!.job_id} AND attributes ? 'job.attempt'`;
    expect(jobNode.outcome === "succeeded").toBe(!outcomes!.failed);
    expect(jobNode.spanId).toBe(bigintToSpanId((await t.sql<{ span_id: bigint }[]>`
      SELECT span_id FROM spans WHERE attributes->>'job.id' = ${job!.job_id} AND kind = 4 AND NOT attributes ? 'job.attempt'
        AND name LIKE 'enqueue %'`)[0]!.span_id));
  });

  it("finds nothing for another tenant's job id, by SQL filter and by row-level security", async () => {
    const [job] = await t.sql<{ job_id: string }[]>`
      SELECT attributes->>'job.id' AS job_id FROM spans WHERE tenant_id = 'acme' AND attributes ? 'job.id' LIMIT 1`;
    const asGlobex = await t.asReader(GLOBEX, (tx) => findLineage(tx, tenantFilter(GLOBEX, []), window, job!.job_id));
    expect(asGlobex).toEqual([]);
    const rlsOnly = await t.asReader(GLOBEX, (tx) => findLineage(tx, { all: true }, window, job!.job_id));
    expect(rlsOnly).toEqual([]);
    const asAll = await t.asReader(ALL, (tx) => findLineage(tx, tenantFilter(ALL, []), window, job!.job_id));
    expect(asAll.map((r) => r.tenantId)).toEqual(["acme"]);
  });
});

describe("retention", () => {
  it("hides spans past their tenant's retention from every view", async () => {
    const old = new Date(now.getTime() - 3 * 86_400_000);
    const day = old.toISOString().slice(0, 10);
    await t.sql`SELECT ensure_span_partitions(${day}::date, ${day}::date)`;
    await t.sql`INSERT INTO tenants (id, name, retention_days, kept_retention_days, slow_threshold_ms) VALUES ('expired', 'Expired', 1, 1, 1)`;
    const trace = "abababab-abab-abab-abab-abababababab";
    await t.sql`
      INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, root_span_id, root_service, root_name, root_duration_ns,
                          request_id, span_count, error_count, services, has_error, is_slow)
      VALUES ('expired', ${trace}, ${old}, ${old}, 5000000000, 1, 'api', 'GET /', 5000000000, 'req_expired_0001', 3, 1, ARRAY['api'], true, true)`;
    await t.sql`
      INSERT INTO spans (tenant_id, trace_id, span_id, parent_span_id, service, name, kind, start_time, duration_ns, status_code, status_message, attributes, resource_id)
      VALUES ('expired', ${trace}, 1, NULL, 'api', 'GET /', 2, ${old}, 5000000000, 2, 'boom', '{}', 1),
             ('expired', ${trace}, 2, 1, 'worker', 'process x', 5, ${old}, 1000, 2, 'boom', '{"job.id":"job_expired","job.attempt":2}', 1),
             ('expired', ${trace}, 3, 1, 'worker', 'process x', 5, ${old}, 1000, 0, NULL, '{"job.id":"job_expired","job.attempt":3}', 1)`;
    const wide = { from: new Date(now.getTime() - 7 * 86_400_000), to: window.to };
    const only = tenantFilter(ALL, ["expired"]);
    const seen = await t.asReader(ALL, async (tx) => ({
      errors: await errorsByTenant(tx, only, wide),
      retries: await retryLoops(tx, only, wide, 1),
      slow: await slowRequests(tx, only, wide),
      lineage: await findLineage(tx, only, wide, "job_expired"),
      byRequest: await findLineage(tx, only, wide, "req_expired_0001"),
    }));
    expect(seen).toEqual({ errors: [], retries: [], slow: [], lineage: [], byRequest: [] });
    await t.sql`UPDATE tenants SET retention_days = 30, kept_retention_days = 30 WHERE id = 'expired'`;
    const visible = await t.asReader(ALL, async (tx) => ({ lineage: await findLineage(tx, only, wide, "job_expired"), slow: await slowRequests(tx, only, wide) }));
    expect(visible.lineage).toHaveLength(1);
    expect(visible.slow.map((s) => s.requestNs)).toEqual([5_000_000_000n]);
  });
});
