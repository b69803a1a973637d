import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { numberCells, traceNumberCells } from "./number-cells";

/** The cells ingest computes must be the ones migration 0010's SQL functions compute, always. */
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const anyNumber = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.integer({ min: -1000, max: 1000 }).map((n) => n / 100),
  fc.constantFrom(0, -0, 1, -1, 10, 99, 100, 500, 501, 0.1, 0.05, 1e-20, 1e-21, 9.99e20, 1e21, 5e-324, Number.MAX_VALUE, 123456789.125),
);

describe("number cells computed in the server", () => {
  it("equal attribute_number_cells of the number as JSON carries it into jsonb", async () => {
    const values = fc.sample(anyNumber, 5000);
    const rows = await t.sql<{ i: number; cells: string[] }[]>`
      SELECT i::int, attribute_number_cells(v::jsonb::numeric) AS cells FROM unnest(${values.map((v) => JSON.stringify(v))}::text[]) WITH ORDINALITY AS u(v, i)
      ORDER BY i`;
    const wrong = rows.filter((r) => JSON.stringify(r.cells) !== JSON.stringify(numberCells(values[r.i - 1]!))).map((r) => ({ v: values[r.i - 1], sql: r.cells }));
    expect(wrong).toEqual([]);
  });

  it("equal trace_attribute_number_cells of a whole summary, keys and mixed values included", async () => {
    const summary = fc.dictionary(
      fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("http.response.status_code", "a,b", 'q"uote', "{x}", "back\\slash")),
      fc.array(fc.oneof(anyNumber, fc.string({ maxLength: 4 }), fc.boolean()), { minLength: 1, maxLength: 5 }),
    );
    const summaries = fc.sample(summary, 300);
    const rows = await t.sql<{ i: number; cells: string[] }[]>`
      SELECT i::int, trace_attribute_number_cells(s::jsonb) AS cells FROM unnest(${summaries.map((s) => JSON.stringify(s))}::text[]) WITH ORDINALITY AS u(s, i)
      ORDER BY i`;
    const wrong = rows.filter((r) => JSON.stringify([...r.cells].sort()) !== JSON.stringify(traceNumberCells(summaries[r.i - 1]!)));
    expect(wrong).toEqual([]);
  });

  it("are filled in by the database when a writer leaves them out", async () => {
    await t.sql`INSERT INTO tenants (id, name) VALUES ('acme', 'Acme')`;
    const [row] = await t.sql<{ cells: string[] }[]>`
      INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, span_count, services, attributes)
      VALUES ('acme', gen_random_uuid(), now(), now(), 1, 1, ARRAY['web'], '{"n": [500, "x"]}')
      RETURNING attribute_number_cells AS cells`;
    expect(row!.cells.sort()).toEqual(["n\u001f+e2", "n\u001f+e2:50="]);
  });
});
