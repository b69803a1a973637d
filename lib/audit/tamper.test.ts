import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect } from "@/db/connect";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { recordAudit } from "./record";
import { verifyAuditChain } from "./verify";

// What db/rls.test.ts and verify.test.ts already pin: the owner's UPDATE, DELETE and
// TRUNCATE refused by trigger, te_reader's UPDATE refused by privilege, a changed row and a
// deleted row named by the verifier. This file adds the rest of the app's roles and the
// tampering a database administrator could attempt.

let t: TestDatabase;
// A login role like the one a deployment gives the app, member of both app roles but not the
// table owner; cluster-wide, so uniquely named and dropped at the end.
const appLogin = `te_app_login_${randomBytes(4).toString("hex")}`;

beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql.unsafe(`CREATE ROLE ${appLogin} LOGIN NOSUPERUSER IN ROLE te_reader, te_writer`);
  for (let i = 1; i <= 6; i++) {
    await recordAudit(t.sql, {
      actor: { id: null, email: `user${i}@demo.test`, role: "investigator" },
      action: "trace.view",
      tenants: ["acme"],
      outcome: "allowed",
      request: { ip: null, userAgent: null, requestId: null, traceId: null },
    });
  }
});
afterAll(async () => {
  await t.drop();
  const admin = connect(inject("pgAdminUrl"), { max: 1 });
  await admin.unsafe(`DROP ROLE IF EXISTS ${appLogin}`);
  await admin.end();
});

/** Runs statements as `role` in a transaction that is rolled back either way. */
async function as(role: string, statement: string): Promise<unknown> {
  return t.sql.begin(async (tx) => {
    await tx.unsafe(`SET LOCAL ROLE ${role}`);
    return tx.unsafe(statement);
  });
}

/** A database administrator with the append-only trigger out of the way. */
async function tamper(statement: string) {
  await t.sql.begin(async (tx) => {
    await tx`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`;
    await tx.unsafe(statement);
    await tx`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`;
  });
}

describe("the app's roles cannot change the audit log", () => {
  it.each(["te_reader", "te_writer", appLogin])("%s: UPDATE, DELETE, TRUNCATE and SELECT are refused", async (role) => {
    await expect(as(role, "UPDATE audit_log SET outcome = 'denied' WHERE seq = 1")).rejects.toThrow(/permission denied/);
    await expect(as(role, "DELETE FROM audit_log WHERE seq = 1")).rejects.toThrow(/permission denied/);
    await expect(as(role, "TRUNCATE audit_log")).rejects.toThrow(/permission denied/);
    await expect(as(role, "SELECT * FROM audit_log")).rejects.toThrow(/permission denied/);
  });

  it.each(["te_reader", "te_writer", appLogin])("%s: cannot switch the append-only trigger off", async (role) => {
    await expect(as(role, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")).rejects.toThrow(/must be owner/);
  });

  it.each(["te_reader", "te_writer", appLogin])("%s: cannot skip the triggers with session_replication_role", async (role) => {
    await expect(as(role, "SET LOCAL session_replication_role = replica")).rejects.toThrow(/permission denied/);
  });

  it.each(["te_reader", "te_writer", appLogin])("%s: an insert cannot choose its place, time or hash in the chain", async (role) => {
    await as(role, "INSERT INTO audit_log (action, outcome, seq, at, prev_hash, hash) VALUES ('forged', 'allowed', 1, '2000-01-01', 'x', 'y')");
    const [last] = await t.sql`SELECT seq::int, at, prev_hash, hash FROM audit_log ORDER BY seq DESC LIMIT 1`;
    expect(last!.seq).toBeGreaterThan(6);
    expect(last!.at.getFullYear()).toBeGreaterThan(2000);
    expect(last!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await verifyAuditChain(t.sql)).firstBroken).toBeNull();
  });

  it("the owner's retention switch does not unlock deleting recent rows", async () => {
    await expect(
      t.sql.begin(async (tx) => {
        await tx`SELECT set_config('app.audit_retention', 'on', true)`;
        await tx`DELETE FROM audit_log WHERE seq = 1`;
      }),
    ).rejects.toThrow(/append-only/);
  });
});

describe("tampering by a database administrator is detected", () => {
  it("a row changed and its hash recomputed to match: the next row's link breaks", async () => {
    expect((await verifyAuditChain(t.sql)).firstBroken).toBeNull();
    await tamper(`UPDATE audit_log SET actor_email = 'someone-else@demo.test' WHERE seq = 4`);
    await tamper(`UPDATE audit_log SET hash = audit_log_row_hash(audit_log) WHERE seq = 4`);
    expect((await verifyAuditChain(t.sql)).firstBroken).toMatchObject({ seq: 5, reason: "link broken" });
  });

  it("the first change is the one reported when several rows were changed", async () => {
    await tamper(`UPDATE audit_log SET tenants = '{globex}' WHERE seq = 2`);
    expect((await verifyAuditChain(t.sql)).firstBroken).toMatchObject({ seq: 2, reason: "content changed" });
  });
});
