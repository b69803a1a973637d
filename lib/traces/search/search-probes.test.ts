import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantScope } from "@/db/tenant-scope";
import type { TestDatabase } from "@/db/testing/test-db";
import { probedConditions } from "./search-probes";
import type { RawSearchParams } from "./search-params";
import { searchWindow } from "./search-sql";
import { ALL, ALPHA, BETA, filters, SCOPES, searchIds as idsIn, insertTraces, twoTenantDatabase } from "../testing/two-tenants";

/**
 * `key = value` conditions go through the attributes index when rare and are checked row by
 * row while walking the window when common: both must return exactly what a plain scan does.
 */
let t: TestDatabase;

beforeAll(async () => {
  t = await twoTenantDatabase();
  // 4,000 traces over the last ~11 hours: `s` is mostly "web", one in 97 "rare", one in 13 the
  // number 12 (which `s = 12` also matches), and beta alone has "beta-only".
  await insertTraces(t, 4000, `
       jsonb_build_object('s', CASE
         WHEN i % 97 = 0 THEN jsonb_build_array('rare', 'web')
         WHEN i % 13 = 0 THEN jsonb_build_array(12)
         WHEN i % 3 = 0 AND i % 7 = 0 THEN jsonb_build_array('beta-only')
         ELSE jsonb_build_array('web')
       END)`);
  await t.sql`ANALYZE traces`;
});

afterAll(async () => {
  await t.drop();
});

const searchIds = (scope: TenantScope, raw: RawSearchParams) => idsIn(t, scope, raw);

/** The newest page of a plain scan, as the owner (no row-level security, no index). */
async function scanIds(tenants: string[], values: unknown[], negate = false): Promise<string[]> {
  const rows = await t.sql<{ id: string }[]>`
    SELECT trace_id AS id FROM traces
    WHERE tenant_id = ANY(${tenants}::text[]) AND start_time >= now() - interval '24 hours'
      AND attributes ? 's' AND (EXISTS (SELECT 1 FROM jsonb_array_elements(attributes -> 's') v WHERE v = ANY((${values.map((v) => JSON.stringify(v))}::text[])::jsonb[]))) <> ${negate}
    ORDER BY start_time DESC, tenant_id DESC, trace_id DESC LIMIT 50`;
  return rows.map((r) => r.id);
}

const CONDITIONS: [string, unknown[], boolean][] = [
  ["s = web", ["web"], false],
  ["s = rare", ["rare"], false],
  ["s = 12", ["12", 12], false],
  ["s = beta-only", ["beta-only"], false],
  ["s = nowhere", ["nowhere"], false],
  ["s != web", ["web"], true],
  ["s != rare", ["rare"], true],
];

describe("equality conditions in trace search", () => {
  it("probe the index for rare values and walk for common ones", async () => {
    const f = filters({ attr: ["s = web", "s = rare", "s = 12", "s != rare"] });
    const probed = await t.asReader(ALL, (tx) => probedConditions(tx, f.attr ?? [], searchWindow(ALL, f, new Date())!));
    expect([...probed].map((c) => `${c.key} ${c.op} ${c.value}`)).toEqual(["s = rare"]);
  });

  it("probe through traces_attributes_idx, whose operator class answers the probe's containment", async () => {
    // The probe function's own query (traces_matching_attributes), as its owner: a seq scan
    // here, with scans of the table discouraged, means the index cannot answer `@>`.
    const plan = await t.sql.begin(async (tx) => {
      await tx`SET LOCAL enable_seqscan = off`;
      return tx`EXPLAIN (FORMAT JSON) SELECT t.tenant_id, t.trace_id FROM traces t WHERE t.attributes @> '{"s": ["rare"]}'::jsonb`;
    });
    expect(JSON.stringify(plan[0]!["QUERY PLAN"])).toContain('"Index Name":"traces_attributes_idx"');
  });

  it("return what a plain scan returns either way, for every tenant scope", async () => {
    for (const [attr, values, negate] of CONDITIONS) {
      for (const [scope, tenants] of SCOPES) {
        expect(await searchIds(scope, { attr }), `${attr} for ${tenants.join(",")}`).toEqual(await scanIds([...tenants], values, negate));
      }
    }
    expect(await searchIds(ALPHA, { attr: "s = beta-only" })).toEqual([]);
    expect((await searchIds(BETA, { attr: "s = beta-only" })).length).toBeGreaterThan(0);
  });
});
