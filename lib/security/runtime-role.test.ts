import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, makeDb, type Db, type Sql } from "@/db/connect";
import { enterReaderScope } from "@/db/reader-scope";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { recordAudit } from "@/lib/audit/record";
import { verifyAuditChain } from "@/lib/audit/verify";
import { encodeRequest, syntheticRequest } from "@/lib/ingest/testing/synthetic";
import { keyFor, postOtlp, seedTenant, startIngestServer } from "@/lib/ingest/testing/fixtures";
import { runRetention } from "@/lib/retention/run";
import { seedHistory } from "@/lib/retention/testing/history";
import { provisionAppRole } from "@/db/app-role";
import { runtimeRole, runtimeRoleWarning } from "./runtime-role";

// Issue 15 item 9: the app's pools connect as te_app (migration 0018), which is neither
// superuser nor owner. Everything here runs on a te_app login, as the app does, except the
// seeding and the retention purge's own session (the owner, DATABASE_URL).

let t: TestDatabase;
let appUrl: string;
let app: Sql;
let appDb: Db;
const NO_REQUEST = { ip: null, userAgent: null, requestId: null, traceId: null };

beforeAll(async () => {
  t = await createTestDatabase();
  appUrl = await provisionAppRole(t.url, randomBytes(32).toString("base64url"));
  app = connect(appUrl, { max: 3 });
  appDb = makeDb(appUrl, { max: 2 });
  await recordAudit(t.sql, { actor: { id: null, email: "a@demo.test", role: "admin" }, action: "trace.view", outcome: "allowed", request: NO_REQUEST });
});
afterAll(async () => {
  await app.end({ timeout: 5 });
  await appDb.$client.end({ timeout: 5 });
  await t.drop();
});

/** One statement on a te_app session, in a transaction rolled back either way. */
async function asApp(...statements: string[]): Promise<unknown> {
  return app.begin(async (tx) => {
    let last: unknown;
    for (const s of statements) last = await tx.unsafe(s);
    return last;
  });
}

describe("te_app, the role the app runs as", () => {
  it("is not superuser, owns nothing, and the start-up check is quiet for it but not for the owner", async () => {
    const role = await runtimeRole(app);
    expect(role).toEqual({ role: "te_app", superuser: false, ownsAuditLog: false });
    expect(runtimeRoleWarning(role)).toBeNull();
    const [owned] = await app<{ n: number }[]>`
      SELECT (SELECT count(*) FROM pg_class WHERE relowner = 'te_app'::regrole)::int
           + (SELECT count(*) FROM pg_proc WHERE proowner = 'te_app'::regrole)::int AS n`;
    expect(owned!.n).toBe(0);
    expect(runtimeRoleWarning(await runtimeRole(t.sql))).toMatch(/DATABASE_APP_URL/);
  });

  it("npm start's provisioning splices only a generated password into ALTER ROLE", async () => {
    const injected = `${"a".repeat(32)}'; ALTER ROLE te_app SUPERUSER; --`;
    await expect(provisionAppRole(t.url, injected)).rejects.toThrow(/32\+ characters of/);
    expect((await runtimeRole(app)).superuser).toBe(false);
  });

  it("cannot skip the audit log's triggers with session_replication_role (the owner here, a superuser, can)", async () => {
    await expect(asApp("SET LOCAL session_replication_role = replica")).rejects.toThrow(/permission denied/);
    await expect(asApp("SET session_replication_role = replica")).rejects.toThrow(/permission denied/);
    // The same statement on the owner's session succeeds: what running as the owner allowed.
    await t.sql.begin((tx) => tx`SET LOCAL session_replication_role = replica`);
  });

  it("cannot switch a trigger off, replace its function or drop the table", async () => {
    await expect(asApp("ALTER TABLE audit_log DISABLE TRIGGER ALL")).rejects.toThrow(/must be owner/);
    await expect(asApp("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")).rejects.toThrow(/must be owner/);
    await expect(
      asApp("CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$"),
    ).rejects.toThrow(/must be owner|permission denied for schema/);
    await expect(asApp("DROP TABLE audit_log")).rejects.toThrow(/must be owner/);
    const [part] = await t.sql<{ name: string }[]>`SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = 'spans'::regclass LIMIT 1`;
    await expect(asApp(`ALTER TABLE spans DETACH PARTITION ${part!.name}`)).rejects.toThrow(/must be owner/);
    await expect(asApp(`DROP TABLE ${part!.name}`)).rejects.toThrow(/must be owner/);
  });

  it("cannot UPDATE, DELETE (even with the retention switch on) or TRUNCATE the audit log", async () => {
    await expect(asApp("UPDATE audit_log SET outcome = 'denied' WHERE seq = 1")).rejects.toThrow(/permission denied/);
    await expect(asApp("SELECT set_config('app.audit_retention', 'on', true)", "DELETE FROM audit_log WHERE seq = 1")).rejects.toThrow(/permission denied/);
    await expect(asApp("TRUNCATE audit_log")).rejects.toThrow(/permission denied/);
    await expect(asApp("DELETE FROM access_reviews")).rejects.toThrow(/permission denied/);
    expect((await verifyAuditChain(t.sql)).firstBroken).toBeNull();
  });

  it("cannot become the owner or give itself more rights", async () => {
    const [owner] = await t.sql<{ name: string }[]>`SELECT current_user AS name`;
    await expect(asApp(`SET ROLE "${owner!.name}"`)).rejects.toThrow(/permission denied/);
    await expect(asApp("ALTER ROLE te_app SUPERUSER")).rejects.toThrow(/permission denied/);
    await expect(asApp("ALTER ROLE te_app BYPASSRLS")).rejects.toThrow(/permission denied/);
  });
});

describe("the app works as te_app", () => {
  it("ingests over OTLP, reads as te_reader, writes and verifies audit rows", async () => {
    await seedTenant(t.sql, "acme");
    const key = await keyFor({ ...t, db: appDb }, "acme");
    const server = await startIngestServer({ ...t, sql: app, db: appDb });
    try {
      const body = encodeRequest(syntheticRequest({ spans: 40, tenants: ["acme"], spansPerTrace: 4, startMs: Date.now() - 60_000 }));
      expect((await postOtlp(server.endpoint, { body, key })).status).toBe(200);
      expect(server.logged).toEqual([]);
    } finally {
      await server.close();
    }
    const seen = await app.begin(async (tx) => {
      await enterReaderScope(tx, { all: false, tenantIds: ["acme"] });
      const [row] = await tx<{ spans: number; traces: number }[]>`
        SELECT (SELECT count(*) FROM spans)::int AS spans, (SELECT count(*) FROM traces)::int AS traces`;
      return row;
    });
    expect(seen).toEqual({ spans: 40, traces: 10 });

    await recordAudit(app, { actor: { id: null, email: "b@demo.test", role: "auditor" }, action: "audit.view", outcome: "allowed", request: NO_REQUEST });
    const report = await verifyAuditChain(app);
    expect(report.firstBroken).toBeNull();
  });

  it("purges with the owner's session: partitions dropped, the run recorded through te_app's pool", async () => {
    const now = new Date();
    await seedHistory(t.sql, now, [{ id: "short", retentionDays: 7, keptRetentionDays: 10 }]);
    const result = await runRetention({ sql: app, url: t.url }, { trigger: "test", now });
    if (result.status === "busy") throw new Error("expected the run to execute");
    expect(result).toMatchObject({ status: "completed", error: null });
    expect(result.partitionsDropped.length).toBeGreaterThan(30);
    const [run] = await app<{ outcome: string }[]>`SELECT outcome FROM retention_runs WHERE id = ${result.runId}`;
    expect(run!.outcome).toBe("completed");
    expect((await verifyAuditChain(app)).firstBroken).toBeNull();
  });

  it("could not purge as te_app alone: dropping a partition needs the owner", async () => {
    const result = await runRetention({ sql: app, url: appUrl }, { trigger: "test", now: new Date(Date.now() + 90 * 86_400_000) });
    if (result.status === "busy") throw new Error("expected the run to execute");
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/must be owner/);
  });
});
