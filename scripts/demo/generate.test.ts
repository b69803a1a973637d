import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../db/testing/test-db";
import { SpanStatus } from "../../db/span-codec/kind-and-status";
import { rose } from "../../lib/services/types";
import { DEMO_TENANTS, generateDemoTraces, seedTenants } from "./index";
import { REGRESSION_CALLS } from "./scenarios/showcase";

const SEED = 20241124;
const NOW = new Date("2025-03-14T15:00:00Z");
const TRACES = 1000;

let t: TestDatabase;
let result: Awaited<ReturnType<typeof generateDemoTraces>>;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenants(t.sql);
  result = await generateDemoTraces(t.sql, { traces: TRACES, seed: SEED, now: NOW, logs: true });
});
afterAll(async () => {
  await t?.drop();
});

describe("generateDemoTraces", () => {
  it("writes the requested traces, all within the last 7 days and none in the future", async () => {
    const [row] = await t.sql`
      SELECT (SELECT count(*)::int FROM traces) AS traces, (SELECT count(*)::int FROM spans) AS spans,
             (SELECT min(start_time) FROM spans) AS first, (SELECT max(end_time) FROM traces) AS last`;
    expect(row!.traces).toBe(TRACES);
    expect(row!.spans).toBe(result.spans);
    expect(result.traces).toBe(TRACES);
    expect(row!.first.getTime()).toBeGreaterThanOrEqual(NOW.getTime() - 7 * 86_400_000);
    expect(row!.last.getTime()).toBeLessThanOrEqual(NOW.getTime());
  });

  it("keeps every traces row exactly consistent with its spans", async () => {
    const mismatches = await t.sql`
      SELECT t.trace_id
      FROM traces t
      JOIN tenants tn ON tn.id = t.tenant_id
      JOIN spans r ON r.tenant_id = t.tenant_id AND r.trace_id = t.trace_id AND r.parent_span_id IS NULL
      CROSS JOIN LATERAL (
        SELECT count(*)::int AS n,
               (count(*) FILTER (WHERE s.status_code = 2))::int AS errors,
               array_agg(DISTINCT s.service ORDER BY s.service) AS services,
               min(s.start_time) AS start_time,
               max((extract(epoch FROM s.start_time - t.start_time) * 1000000)::bigint * 1000 + s.duration_ns) AS duration_ns,
               bool_or(s.attributes @> '{"security.operation": true}') AS security
        FROM spans s WHERE s.tenant_id = t.tenant_id AND s.trace_id = t.trace_id
      ) a
      WHERE NOT (
        t.span_count = a.n AND t.error_count = a.errors AND t.services = a.services
        AND t.start_time = a.start_time AND t.duration_ns = a.duration_ns
        AND t.end_time = t.start_time + (t.duration_ns / 1000) * interval '1 microsecond'
        AND t.root_span_id = r.span_id AND t.root_service = r.service AND t.root_name = r.name AND t.root_duration_ns = r.duration_ns
        AND t.request_id IS NOT DISTINCT FROM r.request_id
        AND t.has_error = (a.errors > 0) AND t.is_security = a.security
        AND t.is_slow = (r.duration_ns > tn.slow_threshold_ms * 1000000::bigint)
        AND t.sample_weight = 1
      )`;
    expect(mismatches).toEqual([]);
    const [roots] = await t.sql`
      SELECT count(*)::int AS traces FROM (
        SELECT 1 FROM spans WHERE parent_span_id IS NULL GROUP BY tenant_id, trace_id HAVING count(*) = 1
      ) x`;
    expect(roots!.traces).toBe(TRACES);
  });

  it("parents every span inside its own trace and tenant, and never mixes tenants", async () => {
    const orphans = await t.sql`
      SELECT c.trace_id, c.name FROM spans c
      WHERE c.parent_span_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM spans p
        WHERE p.tenant_id = c.tenant_id AND p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
          AND p.start_time <= c.start_time)`;
    expect(orphans).toEqual([]);
    const mixed = await t.sql`SELECT trace_id FROM spans GROUP BY trace_id HAVING count(DISTINCT tenant_id) > 1`;
    expect(mixed).toEqual([]);
    const [columns] = await t.sql`
      SELECT count(*)::int AS bad FROM spans
      WHERE attributes->>'tenant.id' IS DISTINCT FROM tenant_id
         OR attributes->>'request.id' IS DISTINCT FROM request_id
         OR NOT EXISTS (SELECT 1 FROM resources r WHERE r.tenant_id = spans.tenant_id AND r.id = spans.resource_id
                        AND r.attributes->>'service.name' = spans.service)
         OR NOT EXISTS (SELECT 1 FROM scopes c WHERE c.tenant_id = spans.tenant_id AND c.id = spans.scope_id)
         OR flags <> 257`;
    expect(columns!.bad).toBe(0);
  });

  it("runs jobs in the trace of the request that enqueued them, after a queue wait", async () => {
    const jobs = await t.sql`
      SELECT c.kind AS consumer_kind, p.kind AS producer_kind,
             c.attributes->>'job.id' = p.attributes->>'job.id' AS same_job,
             c.start_time >= p.start_time + (p.duration_ns / 1000) * interval '1 microsecond' AS after_enqueue,
             tr.request_id IS NOT NULL AND tr.root_service = 'edge-gateway' AS from_request
      FROM spans c
      JOIN spans p ON p.tenant_id = c.tenant_id AND p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
      JOIN traces tr ON tr.tenant_id = c.tenant_id AND tr.trace_id = c.trace_id
      WHERE c.attributes ? 'job.attempt'`;
    expect(jobs.length).toBeGreaterThan(20);
    for (const job of jobs) {
      expect(job).toMatchObject({ consumer_kind: 5, producer_kind: 4, same_job: true, after_enqueue: true });
    }
    expect(jobs.filter((j) => j.from_request).length).toBeGreaterThan(10);
  });

  it("retries failed jobs with increasing attempts and backoff, ending completed or dead-lettered", async () => {
    const retried = await t.sql`
      SELECT attributes->>'job.id' AS job,
             array_agg((attributes->>'job.attempt')::int ORDER BY start_time) AS attempts,
             array_agg(status_code ORDER BY start_time) AS statuses,
             array_agg(attributes->>'job.outcome' ORDER BY start_time) AS outcomes,
             array_agg(start_time ORDER BY start_time) AS starts
      FROM spans WHERE attributes ? 'job.attempt'
      GROUP BY 1 HAVING count(*) > 1`;
    expect(retried.length).toBeGreaterThan(0);
    for (const job of retried) {
      expect(job.attempts).toEqual(job.attempts.map((_: number, i: number) => i + 1));
      expect(job.statuses.slice(0, -1).every((s: number) => s === 2)).toBe(true);
      expect(job.outcomes.slice(0, -1).every((o: string) => o === "retry_scheduled")).toBe(true);
      expect(["completed", "dead_lettered"]).toContain(job.outcomes.at(-1));
      // Exponential backoff: each wait at least as long as the one before, roughly.
      const gaps = job.starts.slice(1).map((s: Date, i: number) => s.getTime() - job.starts[i].getTime());
      expect(gaps[0]).toBeGreaterThan(1_500);
    }
    const [httpRetries] = await t.sql`SELECT count(*)::int AS n FROM spans WHERE (attributes->>'http.request.resend_count')::int > 0`;
    expect(httpRetries!.n).toBeGreaterThan(0);
  });

  it("continues outbox events into handlers of other services", async () => {
    const [events] = await t.sql`
      SELECT count(*)::int AS handlers, count(DISTINCT c.service)::int AS services,
             bool_and(p.service = 'outbox-relay' AND p.kind = 4 AND c.attributes->>'event.id' = p.attributes->>'event.id') AS linked
      FROM spans c JOIN spans p ON p.tenant_id = c.tenant_id AND p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
      WHERE c.kind = 5 AND c.attributes ? 'event.name'`;
    expect(events!.handlers).toBeGreaterThan(50);
    expect(events!.services).toBeGreaterThanOrEqual(3);
    expect(events!.linked).toBe(true);
  });

  it("holds the showcase: a fast bulk-import request in the last day whose time is in its job", async () => {
    const rows = await t.sql<{ root_ms: number; e2e_ms: number; job_ms: number; is_slow: boolean }[]>`
      SELECT (r.duration_ns / 1e6)::float8 AS root_ms, (tr.duration_ns / 1e6)::float8 AS e2e_ms, (j.duration_ns / 1e6)::float8 AS job_ms, tr.is_slow
      FROM spans j
      JOIN traces tr ON tr.tenant_id = j.tenant_id AND tr.trace_id = j.trace_id
      JOIN spans r ON r.tenant_id = tr.tenant_id AND r.trace_id = tr.trace_id AND r.span_id = tr.root_span_id
      WHERE j.name = 'process bulk-import' AND j.kind = 5 AND tr.start_time > ${NOW}::timestamptz - interval '1 day'`;
    expect(rows.length).toBeGreaterThanOrEqual(1);
    const [showcase] = rows;
    expect(showcase!.root_ms).toBeLessThan(500);
    expect(showcase!.job_ms).toBeGreaterThan(0.8 * showcase!.e2e_ms);
    expect(showcase!.is_slow).toBe(false);
  });

  it("holds the regression: search indexing got slower in the last day, enough calls each day for the service map to say so", async () => {
    const days = await t.sql<{ last: boolean; calls: number; p95: number }[]>`
      SELECT c.start_time >= ${NOW}::timestamptz - interval '1 day' AS last, count(*)::int AS calls,
             (percentile_disc(0.95) WITHIN GROUP (ORDER BY c.duration_ns))::float8 AS p95
      FROM spans c JOIN spans p ON p.tenant_id = c.tenant_id AND p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
      WHERE p.service = 'outbox-relay' AND c.service = 'search-service' AND c.start_time >= ${NOW}::timestamptz - interval '2 days'
      GROUP BY 1`;
    const figures = (last: boolean) => {
      const d = days.find((r) => r.last === last)!;
      return { count: d.calls, errorRate: 0, p50Ns: null, p95Ns: d.p95 };
    };
    expect(figures(false).count).toBeGreaterThanOrEqual(REGRESSION_CALLS);
    expect(figures(true).count).toBeGreaterThanOrEqual(REGRESSION_CALLS);
    expect(rose(figures(true), figures(false)).p95).toBe(true);
  });

  it("spreads traffic over all 8 tenants with one large tenant and a long tail", async () => {
    const rows = await t.sql<{ tenant_id: string; n: number }[]>`
      SELECT tenant_id, count(*)::int AS n FROM traces GROUP BY 1 ORDER BY n DESC`;
    expect(rows.map((r) => r.tenant_id).sort()).toEqual(DEMO_TENANTS.map((d) => d.id).sort());
    expect(rows[0]!.tenant_id).toBe("acme");
    expect(rows[0]!.n).toBeGreaterThan(5 * rows.at(-1)!.n);
  });

  it("includes errors with exception events, slow requests and security operations", async () => {
    const [row] = await t.sql`
      SELECT (SELECT count(*)::int FROM traces WHERE has_error) AS errors,
             (SELECT count(*)::int FROM traces WHERE is_slow) AS slow,
             (SELECT count(*)::int FROM traces WHERE is_security) AS security,
             (SELECT count(*)::int FROM spans WHERE status_code = 2 AND jsonb_path_exists(events,
                '$[*] ? (@.name == "exception" && exists(@.attributes."exception.type")
                         && exists(@.attributes."exception.message") && exists(@.attributes."exception.stacktrace"))')) AS exceptions,
             (SELECT array_agg(DISTINCT attributes->>'security.action') FROM spans WHERE attributes @> '{"security.operation": true}') AS actions`;
    expect(row!.errors).toBeGreaterThan(10);
    expect(row!.exceptions).toBeGreaterThan(5);
    expect(row!.slow).toBeGreaterThan(3);
    expect(row!.security).toBeGreaterThan(50);
    expect(row!.actions).toEqual(expect.arrayContaining(["login", "permission_change", "api_key_use"]));
  });

  it("ranges from a few spans to big fan-out traces", async () => {
    const [row] = await t.sql`
      SELECT min(span_count) AS min, percentile_disc(0.5) WITHIN GROUP (ORDER BY span_count) AS median, max(span_count) AS max
      FROM traces`;
    expect(row!.min).toBe(3);
    expect(row!.median).toBeLessThan(60);
    expect(row!.max).toBeGreaterThan(40);
    expect(row!.max).toBeLessThanOrEqual(20_000);
  });

  it("writes no e-mail addresses, credentials or card-like numbers", async () => {
    const patterns = {
      email: "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}",
      bearer: "\\m(bearer|basic)\\s+[A-Za-z0-9._~+/-]{8,}",
      jwt: "eyJ[A-Za-z0-9_-]{8,}\\.",
      secretParam: "(token|secret|password|api[_-]?key)=[^&\\s]",
      card: "(^|[^0-9A-Za-z])[2-6]([ -]?[0-9]){12,18}([^0-9A-Za-z]|$)",
    };
    for (const [name, pattern] of Object.entries(patterns)) {
      const [row] = await t.sql`
        SELECT count(*)::int AS n FROM spans
        WHERE attributes::text ~* ${pattern} OR links::text ~* ${pattern} OR coalesce(status_message, '') ~* ${pattern}
           OR (events::text ~* ${pattern} AND ${name} <> 'card')`;
      expect({ name, n: row!.n }).toEqual({ name, n: 0 });
    }
    const [resources] = await t.sql`SELECT count(*)::int AS n FROM resources WHERE attributes::text ~* ${patterns.email}`;
    expect(resources!.n).toBe(0);
  });

  // A root span's failure is in the gateway's access line, written just after the response and outside the span.
  it("writes the traces' log records with them: on spans of their trace, within its time, an error or warning for every failed span", async () => {
    const [row] = await t.sql`
      SELECT (SELECT count(*)::int FROM log_records) AS records,
             (SELECT count(*)::int FROM log_records WHERE span_id IS NULL) AS without_span,
             (SELECT count(*)::int FROM log_records l WHERE l.span_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM spans s WHERE s.tenant_id = l.tenant_id AND s.trace_id = l.trace_id AND s.span_id = l.span_id)) AS on_no_span,
             (SELECT count(*)::int FROM log_records l WHERE NOT EXISTS (
                SELECT 1 FROM traces t WHERE t.tenant_id = l.tenant_id AND t.trace_id = l.trace_id AND l.time BETWEEN t.start_time AND t.end_time + interval '1 millisecond')) AS outside_trace,
             (SELECT count(*)::int FROM spans s WHERE s.status_code = ${SpanStatus.Error} AND NOT EXISTS (
                SELECT 1 FROM log_records l WHERE l.tenant_id = s.tenant_id AND l.trace_id = s.trace_id AND l.severity_number >= 13
                  AND (l.span_id = s.span_id OR (s.parent_span_id IS NULL AND l.span_id IS NULL)))) AS failed_unlogged,
             (SELECT count(*)::int FROM spans WHERE status_code = ${SpanStatus.Error}) AS failed`;
    expect(row!.records).toBeGreaterThan(TRACES);
    expect(row!.without_span).toBeGreaterThan(0);
    expect(row!.failed).toBeGreaterThan(0);
    expect({ onNoSpan: row!.on_no_span, outsideTrace: row!.outside_trace, failedUnlogged: row!.failed_unlogged }).toEqual({ onNoSpan: 0, outsideTrace: 0, failedUnlogged: 0 });
  });

  it("reproduces the same traces from the same seed, with or without their logs", async () => {
    const other = await createTestDatabase();
    try {
      await seedTenants(other.sql);
      const again = await generateDemoTraces(other.sql, { traces: TRACES, seed: SEED, now: NOW });
      expect(again.spans).toBe(result.spans);
      const fingerprint = (sql: typeof t.sql) => sql`
        SELECT md5(string_agg(concat_ws('|', tenant_id, trace_id, start_time, span_count, error_count, root_name), ',' ORDER BY trace_id)) AS h
        FROM traces`;
      const [[a], [b]] = await Promise.all([fingerprint(t.sql), fingerprint(other.sql)]);
      expect(b!.h).toBe(a!.h);
    } finally {
      await other.drop();
    }
  });

  it("checks its options", async () => {
    await expect(generateDemoTraces(t.sql, { traces: -1 })).rejects.toThrow(/traces/);
    await expect(generateDemoTraces(t.sql, { traces: 1, days: 0 })).rejects.toThrow(/days/);
    await expect(generateDemoTraces(t.sql, { traces: 1.5 })).rejects.toThrow(/traces/);
  });
});

describe("seedTenants", () => {
  it("adds the 8 demo tenants once and leaves an admin's later changes alone", async () => {
    await t.sql`UPDATE tenants SET retention_days = 3 WHERE id = 'wonka'`;
    await seedTenants(t.sql);
    const rows = await t.sql<{ id: string; retention_days: number }[]>`SELECT id, retention_days FROM tenants ORDER BY id`;
    expect(rows.map((r) => r.id)).toEqual(DEMO_TENANTS.map((d) => d.id).sort());
    expect(rows.find((r) => r.id === "wonka")!.retention_days).toBe(3);
  });
});
