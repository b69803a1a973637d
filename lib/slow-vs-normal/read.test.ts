import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "@/db/testing/test-db";
import { ALL, ALPHA, BETA, filters, twoTenantDatabase } from "@/lib/traces/testing/two-tenants";
import { slowVsNormalIn } from "./read";
import { selectionSchema } from "./selection-params";

// Issue 21 item 3: what sets a selection of traces apart from the rest of the window.

let t: TestDatabase;
const now = new Date();
const BIG = "9007199254740993"; // 2^53 + 1: a JS number would read it as ...992

beforeAll(async () => {
  t = await twoTenantDatabase();
  // 600 traces a second apart: every tenth is slow (2 s) and in region eu, the rest take 10 ms
  // in region us; every third is beta's, whose slow ones carry a value only beta has.
  await t.sql`
    INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, root_span_id, root_service, root_name,
                        span_count, error_count, services, has_error, attributes)
    SELECT CASE WHEN i % 3 = 0 THEN 'beta' ELSE 'alpha' END, md5('svn' || i)::uuid, ${now} - i * interval '1 second', ${now},
           CASE WHEN i % 10 = 0 THEN 2000000000 ELSE 10000000 END, 1, 'web', CASE WHEN i % 10 = 0 THEN 'GET /report' ELSE 'GET /x' END,
           1, 0, ARRAY['web'], false,
           jsonb_build_object('region', jsonb_build_array(CASE WHEN i % 10 = 0 THEN 'eu' ELSE 'us' END),
                              'user.id', jsonb_build_array('u' || i),
                              'secret', jsonb_build_array(CASE WHEN i % 3 = 0 THEN 'beta-only' ELSE 'shared' END))
             || CASE WHEN i = 20 THEN (${`{"big": [${BIG}]}`}::text)::jsonb ELSE '{}'::jsonb END
    FROM generate_series(1, 600) AS i`;
  await t.sql`ANALYZE traces`;
});
afterAll(async () => {
  await t.drop();
});

const slow = selectionSchema.parse({ selMin: "1s" });

describe("slowVsNormalIn", () => {
  it("ranks first the attribute that sets the selection apart, with each side's shares and counts", async () => {
    const result = await t.asReader(ALPHA, (tx) => slowVsNormalIn(tx, ALPHA, filters({ range: "1h" }), slow, { now }));
    // Alpha holds 400 of the 600: 40 slow, 360 not.
    expect(result.selection).toEqual({ total: 40, sampled: 40 });
    expect(result.baseline).toEqual({ total: 360, sampled: 360 });
    // Both set it apart completely; a tie puts the summary's columns before span attributes.
    const [first, second] = result.attributes;
    expect(first).toMatchObject({ kind: "operation", key: "operation", score: 1 });
    expect(second).toMatchObject({ kind: "attribute", key: "region", score: 1 });
    expect(second!.values.map((v) => [v.value, v.selection, v.baseline])).toEqual([['"eu"', 40, 0], ['"us"', 0, 360]]);
    // An id unique to each trace and a value every trace has say nothing.
    const score = (key: string) => result.attributes.find((a) => a.key === key)?.score;
    expect(score("user.id")).toBeCloseTo(1 / 40);
    expect(score("service")).toBe(0);
  });

  it("reads a tenant's traces only: another tenant's values, counts and name never show, also when asked for by name", async () => {
    for (const [scope, own, other] of [[ALPHA, "alpha", "beta"], [BETA, "beta", "alpha"]] as const) {
      const result = await t.asReader(scope, (tx) => slowVsNormalIn(tx, scope, filters({ range: "1h" }), slow, { now }));
      const values = result.attributes.flatMap((a) => a.values.map((v) => `${a.key}=${v.value}`));
      expect(values).not.toContain(`tenant="${other}"`);
      expect(values.some((v) => v === (own === "alpha" ? 'secret="beta-only"' : 'secret="shared"'))).toBe(false);
      expect(result.selection.total + result.baseline.total).toBe(own === "alpha" ? 400 : 200);
    }
    // The filter names beta, the scope is alpha's: the search keeps to the scope, and the
    // reader's row-level security stands behind it when the scope passed in is wider.
    const asked = await t.asReader(ALPHA, (tx) => slowVsNormalIn(tx, ALPHA, filters({ range: "1h", tenant: "beta" }), slow, { now }));
    expect(asked).toEqual({ selection: { total: 0, sampled: 0 }, baseline: { total: 0, sampled: 0 }, attributes: [] });
    const rls = await t.asReader(ALPHA, (tx) => slowVsNormalIn(tx, ALL, filters({ range: "1h", tenant: "beta" }), slow, { now }));
    expect(rls.selection.total + rls.baseline.total).toBe(0);
  });

  it("reads a bounded sample of each side, the same one on every call, and counts every match", async () => {
    const read = () => t.asReader(ALL, (tx) => slowVsNormalIn(tx, ALL, filters({ range: "1h" }), slow, { now, sample: 25 }));
    const a = await read();
    expect(a.selection).toEqual({ total: 60, sampled: 25 });
    expect(a.baseline).toEqual({ total: 540, sampled: 25 });
    expect(await read()).toEqual(a);
  });

  it("compares a time span too, and keeps a number past 2^53 exact", async () => {
    // Traces 15..25 seconds ago: 20 is slow and carries the big number.
    const span = selectionSchema.parse({ selFrom: new Date(now.getTime() - 25_500).toISOString(), selTo: new Date(now.getTime() - 14_500).toISOString(), selMin: "1s" });
    const result = await t.asReader(ALL, (tx) => slowVsNormalIn(tx, ALL, filters({ range: "1h" }), span, { now }));
    expect(result.selection.total).toBe(1);
    expect(result.attributes.find((a) => a.key === "big")?.values[0]).toMatchObject({ value: BIG, selection: 1, baseline: 0 });
  });

  it("counts each value of a list once per trace carrying it, however many traces share the list", async () => {
    // Two hours back, away from the other tests' window: 4 slow traces tagged [a, b]; 6 fast ones,
    // 3 tagged [a, b] and 3 [b, c].
    await t.sql`
      INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, root_span_id, root_service, root_name,
                          span_count, error_count, services, has_error, attributes)
      SELECT 'alpha', md5('lists' || i)::uuid, ${now} - interval '2 hours' + i * interval '1 second', ${now},
             CASE WHEN i < 4 THEN 2000000000 ELSE 10000000 END, 1, 'web', 'GET /x', 1, 0, ARRAY['web'], false,
             jsonb_build_object('tags', CASE WHEN i < 7 THEN '["a", "b"]'::jsonb ELSE '["b", "c"]'::jsonb END)
      FROM generate_series(0, 9) AS i`;
    const window = { from: new Date(now.getTime() - 7_300_000).toISOString(), to: new Date(now.getTime() - 7_000_000).toISOString() };
    const result = await t.asReader(ALL, (tx) => slowVsNormalIn(tx, ALL, filters(window), slow, { now }));
    expect(result.selection.total + result.baseline.total).toBe(10);
    const tags = result.attributes.find((a) => a.key === "tags")!.values.map((v) => [v.value, v.selection, v.baseline]);
    expect(tags.sort()).toEqual([['"a"', 4, 3], ['"b"', 4, 6], ['"c"', 0, 3]]);
  });

  it("applies the search's own filters to both sides", async () => {
    const result = await t.asReader(ALL, (tx) => slowVsNormalIn(tx, ALL, filters({ range: "1h", attr: "region = us" }), slow, { now }));
    expect(result).toMatchObject({ selection: { total: 0 }, baseline: { total: 540 }, attributes: [] });
  });
});
