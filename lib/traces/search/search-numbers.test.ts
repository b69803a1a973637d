import fc from "fast-check";
import type { TransactionSql } from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantScope } from "@/db/tenant-scope";
import type { TestDatabase } from "@/db/testing/test-db";
import { suggestIn } from "./autocomplete";
import { autocompleteParamsSchema } from "./autocomplete-params";
import { searchTracesIn } from "./search";
import { rareNumberConditions } from "./search-numbers";
import type { RawSearchParams } from "./search-params";
import { searchWindow } from "./search-sql";
import { ALL, ALPHA, BETA, filters, SCOPES, searchIds as idsIn, insertTraces, twoTenantDatabase } from "../testing/two-tenants";

/**
 * Numeric attribute conditions (`key > n`, `key < n`, `key >= n`, `key <= n`): the index probe and the row-by-row walk
 * must return exactly what a plain scan of the summaries returns, for every tenant scope.
 */
let t: TestDatabase;

beforeAll(async () => {
  t = await twoTenantDatabase();
  // 6,000 traces over the last ~17 hours: `n` mostly 0..99, rarely 500..599, sometimes
  // negative or fractional, once in a while a string or absent; beta alone has 10000+.
  await insertTraces(t, 6000, `
       CASE
         WHEN i % 50 = 0 THEN '{}'::jsonb
         WHEN i % 41 = 0 THEN jsonb_build_object('n', jsonb_build_array('550'))
         WHEN i % 37 = 0 THEN jsonb_build_object('n', jsonb_build_array(500 + i % 100, i % 7))
         WHEN i % 29 = 0 THEN jsonb_build_object('n', jsonb_build_array(-(i % 13) - 0.25))
         WHEN i % 3 = 0 AND i % 31 = 0 THEN jsonb_build_object('n', jsonb_build_array(10000 + i))
         ELSE jsonb_build_object('n', jsonb_build_array(i % 100, (i % 10) / 10.0))
       END`);
});

afterAll(async () => {
  await t.drop();
});

const searchIds = (scope: TenantScope, raw: RawSearchParams) => idsIn(t, scope, raw);

/** The newest page of a plain scan, as the owner (no row-level security, no index). */
type Op = ">" | "<" | ">=" | "<=";

async function scanIds(tenants: string[], op: Op, bound: string, limit = 50): Promise<string[]> {
  const path = `$[*] ? (@ ${op} $v)`;
  const rows = await t.sql<{ id: string }[]>`
    SELECT trace_id AS id FROM traces
    WHERE tenant_id = ANY(${tenants}::text[]) AND start_time >= now() - interval '24 hours'
      AND jsonb_path_exists(attributes -> 'n', ${path}::jsonpath, jsonb_build_object('v', ${bound}::numeric))
    ORDER BY start_time DESC, tenant_id DESC, trace_id DESC LIMIT ${limit}`;
  return rows.map((r) => r.id);
}

// The inclusive bounds sit on stored values (500, 99, 0, 0.5, -12.25), which the strict probe beside them must still find.
const CONDITIONS: [Op, string][] = [
  [">", "500"], [">", "599.5"], [">", "99"], [">", "-1"], [">", "0"], [">", "1e6"],
  ["<", "0"], ["<", "0.5"], ["<", "-12"], ["<", "1000"], ["<", "-1e6"],
  [">=", "500"], [">=", "599"], [">=", "99"], ["<=", "0"], ["<=", "0.5"], ["<=", "-12.25"],
];

async function expectSameAsScan() {
  for (const [op, bound] of CONDITIONS) {
    const attr = `n ${op} ${bound}`;
    for (const [scope, tenants] of SCOPES) {
      const expected = await scanIds([...tenants], op, bound);
      expect(await searchIds(scope, { attr }), `${attr} for ${tenants.join(",")}`).toEqual(expected);
    }
    expect(await searchIds(ALL, { attr, tenant: "beta" }), `${attr} for beta`).toEqual(await scanIds(["beta"], op, bound));
  }
}

describe("number cells", () => {
  it("every number above (below) a bound shares a cell with the bound's range", async () => {
    const number = fc.oneof(
      fc.integer({ min: -1000, max: 1000 }),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 }),
      fc.constantFrom(0, 1, -1, 9.99, 10, 99, 100, 499, 500, 501, 0.1, 0.5, 0.05, 1e-25, -1e-25, 1e25, -1e25, 1e21, 1e-21),
    );
    const pairs = fc.sample(fc.tuple(number, number), 4000);
    const values = pairs.map(([v]) => String(v));
    const bounds = pairs.map(([, b]) => String(b));
    const wrong = await t.sql<{ v: string; op: string; b: string }[]>`
      SELECT p.v, o.op, p.b FROM unnest(${values}::numeric[], ${bounds}::numeric[]) AS p(v, b), (VALUES ('>'), ('<')) AS o(op)
      WHERE CASE o.op WHEN '>' THEN p.v > p.b ELSE p.v < p.b END
        AND NOT (attribute_number_cells(p.v) && attribute_number_range_cells(o.op, p.b))`;
    expect(wrong).toEqual([]);
  });

  it("a range skips the cells that cannot match: above 500 reads no 500, above 0 no zero", async () => {
    const [row] = await t.sql<{ five: boolean; zero: boolean; one: boolean }[]>`
      SELECT attribute_number_cells(500) && attribute_number_range_cells('>', 500) AS five,
             attribute_number_cells(0) && attribute_number_range_cells('>', 0) AS zero,
             attribute_number_cells(1) && attribute_number_range_cells('<', 1) AS one`;
    expect(row).toEqual({ five: false, zero: false, one: false });
  });
});

describe("numeric conditions in trace search", () => {
  it("return what a plain scan returns, through the index probe", async () => {
    // No statistics yet: every condition counts as rare and goes through the probe.
    await expectSameAsScan();
  });

  it("return what a plain scan returns when a common condition walks the window instead", async () => {
    await t.sql`ANALYZE traces`;
    const rare = await t.asReader(ALL, async (tx) => {
      const f = filters({ attr: ["n > 500", "n > -1"] });
      return rareNumberConditions(tx, f.attr ?? [], searchWindow(ALL, f, new Date())!);
    });
    expect([...rare].map((c) => `${c.key} ${c.op} ${c.value}`)).toEqual(["n > 500"]);
    await expectSameAsScan();
  });

  it("pages through every match of a probed condition once", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const result = await t.asReader(ALL, (tx) => searchTracesIn(tx, ALL, filters({ attr: "n > 500", limit: "7", ...(cursor ? { cursor } : {}) })));
      seen.push(...result.traces.map((h) => h.traceId));
      cursor = result.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(await scanIds(["alpha", "beta"], ">", "500", 1000));
  });
});

describe("tenant isolation of the number probe", () => {
  it("never finds another tenant's traces, by search or by calling the probe directly", async () => {
    expect((await scanIds(["beta"], ">", "9999")).length).toBeGreaterThan(0);
    expect(await searchIds(ALPHA, { attr: "n > 9999" })).toEqual([]);
    expect(await searchIds(ALPHA, { attr: "n > 9999", tenant: "beta" })).toEqual([]);
    const direct = (tenants: string[] | null) => (tx: TransactionSql) =>
      tx<{ n: number }[]>`SELECT count(*)::int AS n FROM traces_matching_number('n', '>', 9999, ${tenants}::text[], '-infinity', 'infinity')`;
    expect((await t.asReader(ALPHA, direct(null)))[0]!.n).toBe(0);
    expect((await t.asReader(ALPHA, direct(["beta"])))[0]!.n).toBe(0);
    expect((await t.asReader(BETA, direct(null)))[0]!.n).toBeGreaterThan(0);
  });

  it("estimates only the caller's tenants: naming another tenant tells nothing of its traces", async () => {
    await t.sql`ANALYZE traces`;
    const estimate = (tenants: string[] | null) => async (tx: TransactionSql) =>
      (await tx<{ e: number }[]>`SELECT traces_matching_number_estimate('n', '>', 0, ${tenants}::text[], '-infinity', 'infinity') AS e`)[0]!.e;
    const own = await t.asReader(BETA, estimate(["beta"]));
    const nothing = await t.asReader(ALPHA, estimate(["no-such-tenant"]));
    expect(own).toBeGreaterThan(100);
    expect(await t.asReader(ALPHA, estimate(["beta"]))).toBe(nothing);
    expect(await t.asReader(ALPHA, estimate(null))).toBe(await t.asReader(ALPHA, estimate(["alpha"])));
  });
});

describe("attribute-key suggestions", () => {
  it("know the keys of a root operation that has not run lately, and only the caller's", async () => {
    await t.sql`
      INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, root_span_id, root_service, root_name,
                          span_count, error_count, services, has_error, attributes)
      VALUES ('alpha', md5('import')::uuid, now() - interval '3 days', now(), 1, 1, 'worker', 'import', 1, 0, ARRAY['worker'], false, '{"import.rows": [12]}'),
             ('beta', md5('beta-import')::uuid, now() - interval '3 days', now(), 1, 1, 'worker', 'import', 1, 0, ARRAY['worker'], false, '{"import.secret": [1]}')`;
    const suggest = (scope: TenantScope, prefix: string) =>
      t.asReader(scope, (tx) => suggestIn(tx, scope, autocompleteParamsSchema.parse({ field: "attribute_key", prefix })));
    expect(await suggest(ALPHA, "im")).toEqual(["import.rows"]);
    expect(await suggest(BETA, "im")).toEqual(["import.secret"]);
    expect(await suggest(ALL, "im")).toEqual(["import.rows", "import.secret"]);
    expect(await suggest(ALPHA, "")).toEqual(["import.rows", "n"]);
  });
});
