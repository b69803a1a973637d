import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./testing/test-db";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`INSERT INTO tenants (id, name) VALUES ('alpha', 'Alpha'), ('beta', 'Beta')`;
  const day = new Date().toISOString().slice(0, 10);
  await t.sql`SELECT ensure_span_partitions(${day}::date, ${day}::date)`;
  await t.sql`SELECT ensure_log_partitions(${day}::date, ${day}::date)`;
  for (const [tenant, trace] of [["alpha", "11111111-1111-1111-1111-111111111111"], ["beta", "22222222-2222-2222-2222-222222222222"]] as const) {
    await t.sql`
      INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, span_count, services)
      VALUES (${tenant}, ${trace}, now(), now(), 1, 1, ARRAY['api'])`;
    await t.sql`
      INSERT INTO spans (tenant_id, trace_id, span_id, service, name, start_time, duration_ns, resource_id)
      VALUES (${tenant}, ${trace}, 1, 'api', 'GET /', now(), 1, 1)`;
    await t.sql`INSERT INTO resources (tenant_id, id, attributes) VALUES (${tenant}, 1, '{}')`;
    await t.sql`INSERT INTO scopes (tenant_id, id, name, version, attributes, schema_url) VALUES (${tenant}, 1, ${`${tenant}-lib`}, '1', '{}', '')`;
    await t.sql`
      INSERT INTO log_records (tenant_id, time, record_id, body_type, body, resource_id, scope_id, trace_id)
      VALUES (${tenant}, now(), 1, 'string', '"hello"', 1, 1, ${trace})`;
  }
});

afterAll(async () => {
  await t.drop();
});

/** Runs raw SQL the way lib/db/scoped.ts does, on the test database. */
describe("row-level security under the reader role", () => {
  it("shows a tenant-A scope zero rows of tenant B, with no WHERE clause at all", async () => {
    const counts = await t.asReader({ all: false, tenantIds: ["alpha"] }, async (tx) => ({
      spans: await tx`SELECT DISTINCT tenant_id FROM spans`,
      traces: await tx`SELECT DISTINCT tenant_id FROM traces`,
      tenants: await tx`SELECT id FROM tenants`,
      resources: await tx`SELECT DISTINCT tenant_id FROM resources`,
      scopes: await tx`SELECT DISTINCT tenant_id FROM scopes`,
      logs: await tx`SELECT DISTINCT tenant_id FROM log_records`,
    }));
    expect(counts.logs.map((r) => r.tenant_id)).toEqual(["alpha"]);
    expect(counts.resources.map((r) => r.tenant_id)).toEqual(["alpha"]);
    expect(counts.scopes.map((r) => r.tenant_id)).toEqual(["alpha"]);
    expect(counts.spans.map((r) => r.tenant_id)).toEqual(["alpha"]);
    expect(counts.traces.map((r) => r.tenant_id)).toEqual(["alpha"]);
    expect(counts.tenants.map((r) => r.id)).toEqual(["alpha"]);
  });

  it("shows nothing when no scope was set for the transaction", async () => {
    const rows = await t.sql.begin(async (tx) => {
      await tx`SET LOCAL ROLE te_reader`;
      return tx`SELECT count(*)::int AS n FROM traces`;
    });
    expect(rows[0]!.n).toBe(0);
  });

  it("does not carry a scope over to the next transaction on the same connection", async () => {
    await t.asReader({ all: true }, (tx) => tx`SELECT 1`);
    const rows = await t.sql.begin(async (tx) => {
      await tx`SET LOCAL ROLE te_reader`;
      return tx`SELECT count(*)::int AS n FROM spans`;
    });
    expect(rows[0]!.n).toBe(0);
  });

  it("cannot be sidestepped by reading a partition directly", async () => {
    const day = new Date().toISOString().slice(0, 10).replaceAll("-", "");
    await expect(t.asReader({ all: false, tenantIds: ["alpha"] }, (tx) => tx.unsafe(`SELECT * FROM spans_p${day}`))).rejects.toThrow(
      /permission denied/,
    );
    await expect(t.asReader({ all: false, tenantIds: ["alpha"] }, (tx) => tx.unsafe(`SELECT * FROM log_records_p${day}`))).rejects.toThrow(
      /permission denied/,
    );
  });

  it("lets an all-tenants scope see every tenant", async () => {
    const rows = await t.asReader({ all: true }, (tx) => tx`SELECT count(DISTINCT tenant_id)::int AS n FROM traces`);
    expect(rows[0]!.n).toBe(2);
  });
});

describe("the audit log", () => {
  async function append(action: string) {
    await t.sql`INSERT INTO audit_log (action, outcome, actor_email) VALUES (${action}, 'allowed', 'someone@demo.test')`;
  }

  it("chains each row to the previous one", async () => {
    await append("trace.view");
    await append("trace.search");
    const rows = await t.sql`SELECT seq, prev_hash, hash, audit_log_row_hash(audit_log) = hash AS ok FROM audit_log ORDER BY seq`;
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((r) => r.ok)).toBe(true);
    expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
  });

  it("refuses UPDATE, DELETE and TRUNCATE, even for the owner", async () => {
    await append("trace.view");
    await expect(t.sql`UPDATE audit_log SET outcome = 'denied'`).rejects.toThrow(/append-only/);
    await expect(t.sql`DELETE FROM audit_log`).rejects.toThrow(/append-only/);
    await expect(t.sql`TRUNCATE audit_log`).rejects.toThrow(/append-only/);
  });

  it("lets the app roles insert but not read or change rows", async () => {
    await t.sql.begin(async (tx) => {
      await tx`SET LOCAL ROLE te_reader`;
      await tx`INSERT INTO audit_log (action, outcome) VALUES ('trace.view', 'allowed')`;
    });
    await expect(
      t.sql.begin(async (tx) => {
        await tx`SET LOCAL ROLE te_reader`;
        await tx`UPDATE audit_log SET outcome = 'x'`;
      }),
    ).rejects.toThrow(/permission denied/);
  });

  it("makes a tampered row detectable", async () => {
    await append("admin.change");
    // Tampering needs the trigger out of the way, as a database administrator could do.
    await t.sql.begin(async (tx) => {
      await tx`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`;
      await tx`UPDATE audit_log SET outcome = 'denied' WHERE seq = 1`;
      await tx`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`;
    });
    const [broken] = await t.sql`SELECT seq FROM audit_log WHERE audit_log_row_hash(audit_log) <> hash ORDER BY seq LIMIT 1`;
    expect(Number(broken?.seq)).toBe(1);
  });
});
