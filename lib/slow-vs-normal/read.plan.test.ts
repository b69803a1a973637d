import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "@/db/testing/test-db";
import { ALL, filters, twoTenantDatabase } from "@/lib/traces/testing/two-tenants";
import { windowTraces } from "./read";
import { selectionSchema } from "./selection-params";

// Issue 21: slow versus normal reads every summary of its window; the covering index
// (migration 0025) answers that read from the index alone. Summaries arrive in the heap in
// ingest order, not by start time (here: shuffled), so a heap read costs a page per row.

let t: TestDatabase;
const now = new Date();

beforeAll(async () => {
  t = await twoTenantDatabase();
  await t.sql`
    INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, root_span_id, root_service, root_name,
                        span_count, error_count, services, has_error, attributes)
    SELECT CASE WHEN i % 3 = 0 THEN 'beta' ELSE 'alpha' END, md5('w' || i)::uuid, ${now} - (i * 7919 % 40000) * interval '15 seconds', ${now},
           (i % 1000) * 1000000, 1, 'web', 'GET /x', 1, 0, ARRAY['web'], i % 50 = 0,
           jsonb_build_object('user.id', jsonb_build_array('u' || i), 'note', jsonb_build_array(repeat('x', 200)))
    FROM generate_series(1, 40000) AS i`;
  await t.sql`VACUUM ANALYZE traces`;
});
afterAll(async () => {
  await t.drop();
});

describe("the window read of slow versus normal", () => {
  it("reads the summaries' covering index only, never the heap, for every tenant at once and for one", async () => {
    const selection = selectionSchema.parse({ selMin: "500ms" });
    for (const search of [{ range: "24h" }, { range: "24h", tenant: "alpha" }]) {
      const plan = await t.asReader(ALL, async (tx) => {
        const [row] = await tx`EXPLAIN (ANALYZE, FORMAT JSON) ${windowTraces(tx, ALL, filters(search), selection, now, new Set())}`;
        return JSON.stringify(row!["QUERY PLAN"]);
      });
      expect(plan).toContain('"Index Only Scan"');
      expect(plan).toContain('"Index Name":"traces_tenant_start_idx"');
      expect(plan).not.toMatch(/"Heap Fetches":[1-9]/);
      expect(plan).not.toContain("Bitmap Heap Scan");
    }
  });
});
