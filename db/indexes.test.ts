import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./testing/test-db";

/**
 * Each index on the search tables exists for a query the explorer runs. These tests pin
 * that the planner uses it on a table big enough for the choice to matter.
 */
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`
    INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, root_span_id, root_service,
                        root_name, request_id, span_count, error_count, services, has_error)
    SELECT CASE WHEN i % 100 = 0 THEN 'small' ELSE 'tenant' || (i % 8) END, md5(i::text)::uuid, now() - (i * 10 || ' seconds')::interval, now(),
           (i % 1000) * 1000000, i, 'svc' || (i % 12), 'op' || (i % 40), 'req-' || i, 5,
           CASE WHEN i % 50 = 0 THEN 1 ELSE 0 END, ARRAY['svc' || (i % 12)], i % 50 = 0
    FROM generate_series(1, 60000) AS i`;
  // A fixed day, so the query window below never straddles midnight into an empty partition.
  await t.sql`SELECT ensure_span_partitions('2030-01-01', '2030-01-03')`;
  await t.sql`
    INSERT INTO spans (tenant_id, trace_id, span_id, service, name, start_time, duration_ns, resource_id)
    SELECT 'tenant' || (i % 8), md5((i / 20)::text)::uuid, i, 'svc', 'op', '2030-01-02T12:00:00Z', 1, 1
    FROM generate_series(1, 60000) AS i`;
  await t.sql`ANALYZE traces`;
  await t.sql`ANALYZE spans`;
});

afterAll(async () => {
  await t.drop();
});

async function plan(query: string): Promise<string> {
  const rows = await t.sql.unsafe(`EXPLAIN (FORMAT JSON) ${query}`);
  return JSON.stringify(rows[0]!["QUERY PLAN"]);
}

describe("search indexes, justified by the plans that use them", () => {
  it("newest traces of a small tenant: traces_tenant_start_idx", async () => {
    const p = await plan(`SELECT * FROM traces WHERE tenant_id = 'small' AND start_time > now() - interval '1 day' ORDER BY start_time DESC LIMIT 50`);
    expect(p).toContain("traces_tenant_start_idx");
    expect(p).not.toContain('"Seq Scan"');
  });

  it("newest traces across all tenants (admin, investigator): traces_start_idx", async () => {
    const p = await plan(`SELECT * FROM traces ORDER BY start_time DESC LIMIT 50`);
    expect(p).toContain("traces_start_idx");
  });

  it("direct lookup by trace id without knowing the tenant: traces_trace_id_idx", async () => {
    const p = await plan(`SELECT * FROM traces WHERE trace_id = md5('777')::uuid`);
    expect(p).toContain("traces_trace_id_idx");
  });

  it("direct lookup by request id: traces_request_id_idx", async () => {
    const p = await plan(`SELECT * FROM traces WHERE request_id = 'req-777'`);
    expect(p).toContain("traces_request_id_idx");
  });

  it("one service and operation of a tenant: traces_tenant_root_idx", async () => {
    const p = await plan(
      `SELECT * FROM traces WHERE tenant_id = 'tenant3' AND root_service = 'svc3' AND root_name = 'op3' ORDER BY start_time DESC LIMIT 50`,
    );
    expect(p).toContain("traces_tenant_root_idx");
  });

  it("errors of a tenant: the partial traces_tenant_errors_idx", async () => {
    const p = await plan(`SELECT * FROM traces WHERE tenant_id = 'tenant2' AND has_error ORDER BY start_time DESC LIMIT 50`);
    expect(p).toContain("traces_tenant_errors_idx");
  });

  it("all spans of one trace: the spans primary key, in the partitions of its days only", async () => {
    const p = await plan(
      `SELECT * FROM spans WHERE tenant_id = 'tenant1' AND trace_id = md5('7')::uuid
       AND start_time >= '2030-01-02T11:00:00Z' AND start_time < '2030-01-02T13:00:00Z'`,
    );
    expect(p).toMatch(/spans_p\d{8}_pkey/);
    expect(p).not.toContain('"Seq Scan"');
  });
});
