import type { TransactionSql } from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "@/db/testing/test-db";
import { enterReaderScope } from "@/db/reader-scope";
import { relativeAppUrl } from "@/lib/saved-queries/input";
import { ALL, ALPHA, BETA, filters, searchIds, twoTenantDatabase } from "../testing/two-tenants";
import { parseSearch, rawSearchParams, serializeSearch } from "./search-params";

/**
 * Issue 20 item 5: traces found by what their logs say. The logs are joined to their trace
 * within its tenant and the search's window only.
 */
let t: TestDatabase;
const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
const DEADLOCK_ERROR = id(1), DEADLOCK_INFO = id(2), OTHER_ERROR = id(3), OLD = id(4), BETA_DEADLOCK = id(5), SHARED_ID = id(6);

async function trace(tenant: string, traceId: string, minutesAgo: number) {
  await t.sql`
    INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, root_span_id, root_service, root_name,
                        request_id, span_count, error_count, services, has_error, attributes)
    VALUES (${tenant}, ${traceId}, now() - ${minutesAgo} * interval '1 minute', now(), 1000000, 1, 'orders', 'POST /orders',
            ${`req-${traceId.slice(-4)}`}, 1, 0, ARRAY['orders'], false, '{}'::jsonb)`;
}

async function log(tenant: string, traceId: string | null, minutesAgo: number, severity: number, body: string) {
  await t.sql`
    INSERT INTO log_records (tenant_id, time, record_id, severity_number, body_type, body, resource_id, scope_id, trace_id)
    VALUES (${tenant}, now() - ${minutesAgo} * interval '1 minute' + interval '1 second', (random() * 1e15)::bigint, ${severity}, 'string',
            to_jsonb(${body}::text), 1, 1, ${traceId})`;
}

beforeAll(async () => {
  t = await twoTenantDatabase();
  await t.sql`SELECT ensure_log_partitions(current_date - 3, current_date + 1)`;
  await trace("alpha", DEADLOCK_ERROR, 10);
  await log("alpha", DEADLOCK_ERROR, 10, 9, "begin transaction");
  await log("alpha", DEADLOCK_ERROR, 10, 17, "deadlock detected on orders");
  await trace("alpha", DEADLOCK_INFO, 20);
  await log("alpha", DEADLOCK_INFO, 20, 9, "retried after a deadlock");
  await trace("alpha", OTHER_ERROR, 30);
  await log("alpha", OTHER_ERROR, 30, 17, "connection refused");
  // Two days back: outside a 24-hour window.
  await trace("alpha", OLD, 2 * 1440 - 30);
  await log("alpha", OLD, 2 * 1440 - 30, 17, "deadlock detected long ago");
  await trace("beta", BETA_DEADLOCK, 15);
  await log("beta", BETA_DEADLOCK, 15, 21, "deadlock in the beta ledger");
  // The same trace id in both tenants: only beta's copy logged the word.
  await trace("alpha", SHARED_ID, 25);
  await trace("beta", SHARED_ID, 25);
  await log("beta", SHARED_ID, 25, 17, "deadlock on the shared id");
  await log("alpha", null, 5, 21, "deadlock outside any trace");
  await t.sql`ANALYZE log_records`;
});

afterAll(async () => {
  await t.drop();
});

describe("search by log text and severity", () => {
  it("finds the traces whose logs contain the words at the level or above, and only those", async () => {
    expect(await searchIds(t, ALPHA, { tenant: "alpha", range: "1h", logText: "deadlock", logLevel: "error" })).toEqual([DEADLOCK_ERROR]);
    expect(await searchIds(t, ALPHA, { tenant: "alpha", range: "1h", logText: "deadlock" })).toEqual([DEADLOCK_ERROR, DEADLOCK_INFO]);
    expect(await searchIds(t, ALPHA, { tenant: "alpha", range: "1h", logLevel: "error" })).toEqual([DEADLOCK_ERROR, OTHER_ERROR]);
    // Every word must be there, each as a whole word.
    expect(await searchIds(t, ALPHA, { tenant: "alpha", range: "1h", logText: "deadlock orders" })).toEqual([DEADLOCK_ERROR]);
    expect(await searchIds(t, ALPHA, { tenant: "alpha", range: "1h", logText: "dead" })).toEqual([]);
  });

  it("combines with the other filters and keeps to the window", async () => {
    expect(await searchIds(t, ALPHA, { range: "1h", logText: "deadlock", service: "orders", maxDuration: "2ms" })).toEqual([DEADLOCK_ERROR, DEADLOCK_INFO]);
    expect(await searchIds(t, ALPHA, { range: "1h", logText: "deadlock", service: "billing" })).toEqual([]);
    expect(await searchIds(t, ALPHA, { range: "24h", logText: "long" })).toEqual([]);
    expect(await searchIds(t, ALPHA, { range: "7d", logText: "long" })).toEqual([OLD]);
  });

  it("a tenant viewer never gets another tenant's trace through a log match, nor its own trace through another tenant's log", async () => {
    // Beta's deadlock logs: one of a beta-only trace, one of a trace id alpha also has.
    expect(await searchIds(t, ALPHA, { range: "1h", logText: "beta" })).toEqual([]);
    expect(await searchIds(t, ALPHA, { range: "1h", logText: "shared" })).toEqual([]);
    // Asking for beta by name does not widen a viewer's scope (the gate refuses it; the query keeps to the scope too).
    expect(await searchIds(t, ALPHA, { tenant: "beta", range: "1h", logText: "deadlock" })).toEqual([]);
    expect(await searchIds(t, BETA, { range: "1h", logText: "deadlock" })).toEqual([BETA_DEADLOCK, SHARED_ID]);
    const all = await searchIds(t, ALL, { range: "1h", logText: "shared" });
    expect(all).toEqual([SHARED_ID]);
    expect(await searchIds(t, ALL, { tenant: "alpha", range: "1h", logText: "shared" })).toEqual([]);
  });

  it("a lookup by id checks the named trace's own logs, within its tenant", async () => {
    expect(await searchIds(t, ALPHA, { q: DEADLOCK_ERROR, logText: "deadlock" })).toEqual([DEADLOCK_ERROR]);
    expect(await searchIds(t, ALPHA, { q: DEADLOCK_INFO, logLevel: "error" })).toEqual([]);
    expect(await searchIds(t, ALL, { q: SHARED_ID, logText: "shared" })).toEqual([SHARED_ID]);
    expect(await searchIds(t, ALPHA, { q: SHARED_ID, logText: "shared" })).toEqual([]);
  });

  it("takes log text as data (quotes, SQL) and refuses unknown levels and empty or oversized text", async () => {
    expect(await searchIds(t, ALL, { range: "1h", logText: "'; DROP TABLE log_records; --" })).toEqual([]);
    expect(parseSearch({ logLevel: "loud" })).toMatchObject({ ok: false, message: expect.stringMatching(/logLevel: must be one of debug, info, warn, error, fatal/) });
    expect(parseSearch({ logText: "x".repeat(201) })).toMatchObject({ ok: false, message: expect.stringMatching(/logText: must be at most 200/) });
    expect(parseSearch({ logText: ["a", "b"] })).toMatchObject({ ok: false, message: "logText: must be given once" });
    const [n] = await t.sql`SELECT count(*)::int AS n FROM log_records`;
    expect(n!.n).toBe(8);
  });

  it("round-trips through the URL and a saved search", () => {
    const f = filters({ tenant: "alpha", range: "1h", logText: "deadlock on 'orders'", logLevel: "warn" });
    const url = relativeAppUrl.parse(`/traces?${serializeSearch(f).toString()}`);
    const back = parseSearch(rawSearchParams(new URL(url, "http://x").searchParams));
    expect(back).toMatchObject({ ok: true, filters: { logText: "deadlock on 'orders'", logLevel: "warn", tenant: ["alpha"] } });
  });
});

describe("the log probe's plan", () => {
  it("finds a word through the full-text index, not by reading every log of the window", async () => {
    // Enough records that a scan of the window would cost more than the index.
    await t.sql`
      INSERT INTO log_records (tenant_id, time, record_id, severity_number, body_type, body, resource_id, scope_id, trace_id)
      SELECT 'alpha', now() - (i % 3000) * interval '1 second', i, 9, 'string', to_jsonb('request handled in ' || i || ' ms'), 1, 1, md5(i::text)::uuid
      FROM generate_series(1, 20000) AS i`;
    await t.sql`ANALYZE log_records`;
    const probe = `
      EXPLAIN (FORMAT JSON) SELECT l.tenant_id, l.time, l.record_id, l.trace_id FROM log_records l
      WHERE l.time >= now() - interval '1 hour' AND l.time < now() AND app_tenant_visible(l.tenant_id) AND l.tenant_id = ANY ('{alpha}')
        AND to_tsvector('simple'::regconfig, coalesce(l.body #>> '{}', '')) @@ plainto_tsquery('simple'::regconfig, 'deadlock')
        AND l.trace_id IS NOT NULL
      ORDER BY l.time DESC, l.tenant_id DESC, l.record_id DESC`;
    const plan = (asReader: boolean) =>
      t.sql.begin(async (tx: TransactionSql) => {
        if (asReader) await enterReaderScope(tx, ALPHA);
        else await tx`SELECT set_config('app.tenant_ids', 'alpha', true)`;
        const rows = await tx.unsafe(probe);
        return JSON.stringify(rows[0]!["QUERY PLAN"]);
      }) as Promise<string>;
    // As log_records_matching runs it (the owner, the reader's tenants set): through the index.
    expect(await plan(false)).toMatch(/"Bitmap Index Scan"[^}]*"Index Name":"log_records_p\d+_to_tsvector_idx"/);
    // Why the probe exists: the same statement under the reader role and row-level security cannot use it.
    expect(await plan(true)).not.toContain("to_tsvector_idx");
    expect(await searchIds(t, ALPHA, { range: "1h", logText: "deadlock", logLevel: "error" })).toEqual([DEADLOCK_ERROR]);
  });
});
