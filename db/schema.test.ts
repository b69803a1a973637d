import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./testing/test-db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

describe("schema", () => {
  it("creates daily span partitions ahead of time and routes rows to the right day", async () => {
    const created = await t.sql`SELECT ensure_span_partitions('2030-01-01', '2030-01-03') AS n`;
    expect(created[0]!.n).toBe(3);
    const again = await t.sql`SELECT ensure_span_partitions('2030-01-01', '2030-01-03') AS n`;
    expect(again[0]!.n).toBe(0);

    await t.sql`
      INSERT INTO spans (tenant_id, trace_id, span_id, service, name, start_time, duration_ns, resource_id)
      VALUES ('acme', '0af7651916cd43dd8448eb211c80319c', 1, 'api', 'GET /', '2030-01-02T23:59:59.999Z', 5, 1)`;
    const rows = await t.sql`SELECT tableoid::regclass::text AS part FROM spans`;
    expect(rows[0]!.part).toBe("spans_p20300102");
  });

  it("refuses a span for a day that has no partition", async () => {
    await expect(
      t.sql`
        INSERT INTO spans (tenant_id, trace_id, span_id, service, name, start_time, duration_ns, resource_id)
        VALUES ('acme', '0af7651916cd43dd8448eb211c80319c', 2, 'api', 'GET /', '1999-01-01T00:00:00Z', 5, 1)`,
    ).rejects.toThrow(/no partition/);
  });

  it("rejects tenant ids outside the allowed character set and retention outside ADR-010", async () => {
    for (const bad of ["tenant#1", "a/b", "..", "", "x".repeat(65), "a..b"]) {
      await expect(t.sql`INSERT INTO tenants (id, name) VALUES (${bad}, 'x')`).rejects.toThrow(/tenants_id_format/);
    }
    await expect(
      t.sql`INSERT INTO tenants (id, name, retention_days) VALUES ('short', 'x', 0)`,
    ).rejects.toThrow(/tenants_retention_range/);
    await expect(
      t.sql`INSERT INTO tenants (id, name, retention_days, kept_retention_days) VALUES ('kept', 'x', 20, 10)`,
    ).rejects.toThrow(/tenants_kept_retention_range/);
  });

  it("gives the dashboard and ingest roles no ownership of trace tables", async () => {
    const owners = await t.sql`
      SELECT c.relname, pg_get_userbyid(c.relowner) AS owner
      FROM pg_class c WHERE c.relname IN ('spans', 'traces')`;
    for (const row of owners) expect(["te_reader", "te_writer"]).not.toContain(row.owner);
    await expect(
      t.sql.begin(async (tx) => {
        await tx`SET LOCAL ROLE te_reader`;
        await tx`DELETE FROM traces`;
      }),
    ).rejects.toThrow(/permission denied/);
  });
});
