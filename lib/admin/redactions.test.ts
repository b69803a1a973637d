import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { redactionsByTenant } from "./redactions";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')`;
  const today = (await t.sql<{ d: string }[]>`SELECT ((now() AT TIME ZONE 'UTC')::date)::text AS d`)[0]!.d;
  await t.sql`
    INSERT INTO ingest_counters (tenant_id, day, counter, value) VALUES
      ('acme', ${today}::date, 'redactions.email', 5),
      ('acme', ${today}::date - 1, 'redactions.email', 2),
      ('acme', ${today}::date, 'redactions.secret_field', 9),
      ('acme', ${today}::date - 40, 'redactions.card', 100),
      ('acme', ${today}::date, 'spans.stored', 1000),
      ('globex', ${today}::date, 'redactions.jwt', 1)`;
});
afterAll(async () => {
  await t.drop();
});

describe("redactionsByTenant", () => {
  it("sums each rule per tenant over the window, most frequent first, and nothing but redactions", async () => {
    const counts = await redactionsByTenant(t.sql, 30);
    expect(Object.fromEntries(counts)).toEqual({
      acme: [
        { rule: "secret_field", count: 9 },
        { rule: "email", count: 7 },
      ],
      globex: [{ rule: "jwt", count: 1 }],
    });
  });

  it("counts today alone with a one-day window", async () => {
    expect((await redactionsByTenant(t.sql, 1)).get("acme")).toEqual([
      { rule: "secret_field", count: 9 },
      { rule: "email", count: 5 },
    ]);
  });
});
