import type { TransactionSql } from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantScope } from "@/db/tenant-scope";
import { enterReaderScope } from "@/db/reader-scope";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";

/**
 * The plans trace search depends on, under the reader role and row-level security, where the
 * policy's estimate decides between walking an index in order and sorting a whole window.
 */
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`INSERT INTO tenants (id, name) SELECT 'tenant' || i, 'T' || i FROM generate_series(0, 7) AS i`;
  await t.sql`
    INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, root_span_id, root_service,
                        root_name, request_id, span_count, error_count, services, has_error)
    SELECT 'tenant' || (i % 8), md5(i::text)::uuid, now() - (i * 10 || ' seconds')::interval, now(),
           (i % 1000) * 1000000, i, 'svc' || (i % 12), 'op' || (i % 40), 'req-' || i, (i % 37) + 1,
           CASE WHEN i % 50 = 0 THEN 1 ELSE 0 END, ARRAY['svc' || (i % 12)], i % 50 = 0
    FROM generate_series(1, 60000) AS i`;
  await t.sql`ANALYZE traces`;
});

afterAll(async () => {
  await t.drop();
});

async function plan(scope: TenantScope, query: string): Promise<string> {
  return t.sql.begin(async (tx: TransactionSql) => {
    await enterReaderScope(tx, scope);
    const rows = await tx.unsafe(`EXPLAIN (FORMAT JSON) ${query}`);
    return JSON.stringify(rows[0]!["QUERY PLAN"]);
  }) as Promise<string>;
}

const PAGE = `
  SELECT t.trace_id FROM traces t JOIN tenants n ON n.id = t.tenant_id
  WHERE t.start_time >= now() - make_interval(days => CASE WHEN t.has_error OR t.is_slow OR t.is_security THEN n.kept_retention_days ELSE n.retention_days END)
    AND t.start_time >= now() - interval '3 days' AND t.start_time < now() %s
  ORDER BY %s LIMIT 51`;

describe("trace search plans under row-level security", () => {
  it("the newest page walks traces_start_idx in order instead of sorting the window", async () => {
    const p = await plan({ all: true }, PAGE.replace("%s", "").replace("%s", "t.start_time DESC, t.tenant_id DESC, t.trace_id DESC"));
    expect(p).toContain("traces_start_idx");
    expect(p).not.toContain('"Bitmap Heap Scan"');
    expect(p).not.toContain('"Node Type": "Sort"');
  });

  it("a tenant viewer's newest page does too", async () => {
    const p = await plan({ all: false, tenantIds: ["tenant1", "tenant2"] }, PAGE.replace("%s", "AND t.tenant_id = ANY('{tenant1,tenant2}')").replace("%s", "t.start_time DESC, t.tenant_id DESC, t.trace_id DESC"));
    expect(p).not.toContain('"Node Type": "Sort"');
  });

  it("slowest first walks traces_duration_idx", async () => {
    const p = await plan({ all: true }, PAGE.replace("%s", "").replace("%s", "t.duration_ns DESC, t.tenant_id DESC, t.trace_id DESC"));
    expect(p).toContain("traces_duration_idx");
    expect(p).not.toContain('"Node Type": "Sort"');
  });

  it("a lookup by request id uses traces_request_id_idx, not a scan", async () => {
    const p = await plan({ all: true }, `SELECT * FROM (SELECT * FROM traces t WHERE t.request_id = 'req-777' OFFSET 0) t JOIN tenants n ON n.id = t.tenant_id ORDER BY t.start_time DESC LIMIT 51`);
    expect(p).toContain("traces_request_id_idx");
    expect(p).not.toContain('"Seq Scan", "Parallel Aware": false, "Async Capable": false, "Relation Name": "traces"');
  });
});

describe("sorts by counts", () => {
  it("most errors first walks traces_error_count_idx, most spans first traces_span_count_idx", async () => {
    const errors = await plan({ all: true }, PAGE.replace("%s", "").replace("%s", "t.error_count DESC, t.tenant_id DESC, t.trace_id DESC"));
    expect(errors).toContain("traces_error_count_idx");
    const spans = await plan({ all: true }, PAGE.replace("%s", "").replace("%s", "t.span_count DESC, t.tenant_id DESC, t.trace_id DESC"));
    expect(spans).toContain("traces_span_count_idx");
  });
});
