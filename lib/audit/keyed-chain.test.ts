import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { createLogger } from "@trace-explorer/tracing/logger";
import { currentAuditHead, lastRecordedHead, parseRecordedHead } from "./head";
import { publishAuditHead } from "./head-publisher";
import { auditKeyFromEnv } from "./mac";
import { recordAudit } from "./record";
import { verifyAuditChain, verifyAuditLog } from "./verify";
import { TSX_NODE_ARGS } from "@/scripts/node/tsx";

// Issue 15 item 9: someone who holds the database (superuser, table owner) but not
// AUDIT_HMAC_KEY edits rows and recomputes the chain, or removes the newest rows. Each test
// tampers its own copy of the migrated database.

const key = auditKeyFromEnv()!;

async function withRows(n: number): Promise<TestDatabase> {
  const t = await createTestDatabase();
  for (let i = 1; i <= n; i++) {
    await recordAudit(t.sql, {
      actor: { id: null, email: `user${i}@demo.test`, role: "investigator" },
      action: "trace.view",
      tenants: ["acme"],
      outcome: "allowed",
      details: { traceId: `t${i}`, nested: { b: 1, a: [true, null, "x"] } },
      request: { ip: "10.0.0.1", userAgent: "UA", requestId: `r${i}`, traceId: null },
    });
  }
  return t;
}

/** The database administrator: triggers off for the statement. */
async function tamper(t: TestDatabase, statement: string) {
  await t.sql.begin(async (tx) => {
    await tx`SET LOCAL session_replication_role = replica`;
    await tx.unsafe(statement);
  });
}

/** Recomputes prev_hash and hash from `fromSeq` on, as an attacker without the key can. */
const rechain = (fromSeq: number) => `DO $$ DECLARE r record; prev text; BEGIN
  SELECT hash INTO prev FROM audit_log WHERE seq = ${fromSeq} - 1;
  FOR r IN SELECT seq FROM audit_log WHERE seq >= ${fromSeq} ORDER BY seq LOOP
    UPDATE audit_log SET prev_hash = prev WHERE seq = r.seq;
    UPDATE audit_log SET hash = audit_log_row_hash(audit_log) WHERE seq = r.seq RETURNING hash INTO prev;
  END LOOP; END $$`;

const dbs: TestDatabase[] = [];
async function fresh(n = 6) {
  const t = await withRows(n);
  dbs.push(t);
  return t;
}
afterAll(async () => {
  await Promise.all(dbs.map((t) => t.drop()));
});

describe("keyed audit chain", () => {
  it("verifies rows written with the key, with their details as jsonb reorders them", async () => {
    const t = await fresh();
    expect(await verifyAuditLog(t.sql, { key })).toEqual({ rows: 6, firstBroken: null, keyed: { rows: 6, unkeyed: 0 } });
  });

  it("an edit followed by recomputing every later hash passes the unkeyed check but not the MAC", async () => {
    const t = await fresh();
    await tamper(t, `UPDATE audit_log SET actor_email = 'someone-else@demo.test' WHERE seq = 3`);
    await tamper(t, rechain(3));
    expect((await verifyAuditChain(t.sql)).firstBroken).toBeNull();
    expect((await verifyAuditLog(t.sql, { key })).firstBroken).toMatchObject({ seq: 3, reason: "MAC mismatch" });
  });

  it("a MAC computed with another key does not pass", async () => {
    const t = await fresh();
    const { auditRowMac } = await import("./mac");
    const forged = auditRowMac("x".repeat(40), {
      actorId: null, actorEmail: "someone-else@demo.test", role: "investigator", action: "trace.view", resource: null, tenants: ["acme"],
      outcome: "allowed", ip: "10.0.0.1", userAgent: "UA", requestId: "r2", traceId: null, details: { traceId: "t2", nested: { b: 1, a: [true, null, "x"] } },
    });
    await tamper(t, `UPDATE audit_log SET actor_email = 'someone-else@demo.test', mac = '${forged}' WHERE seq = 2`);
    await tamper(t, rechain(2));
    expect((await verifyAuditLog(t.sql, { key })).firstBroken).toMatchObject({ seq: 2, reason: "MAC mismatch" });
  });

  it("stripping the MAC off an edited row is named", async () => {
    const t = await fresh();
    await tamper(t, `UPDATE audit_log SET outcome = 'denied', mac = NULL WHERE seq = 4`);
    await tamper(t, rechain(4));
    expect((await verifyAuditLog(t.sql, { key })).firstBroken).toMatchObject({ seq: 4, reason: "unkeyed row after keyed rows" });
  });

  it("stripping every MAC and recomputing the chain is caught by a recorded head", async () => {
    const t = await fresh();
    const head = await currentAuditHead(t.sql, key);
    await tamper(t, `UPDATE audit_log SET outcome = 'denied', mac = NULL`);
    await tamper(t, rechain(1));
    expect((await verifyAuditLog(t.sql, { key })).firstBroken).toBeNull();
    expect((await verifyAuditLog(t.sql, { key, head })).firstBroken).toMatchObject({ seq: 6, reason: "recorded head does not match" });
  });
});

describe("tail truncation against a recorded head", () => {
  it("deleting the newest rows passes every in-database check but not the recorded head", async () => {
    const t = await fresh();
    const head = parseRecordedHead(JSON.stringify(await currentAuditHead(t.sql, key)));
    await tamper(t, `DELETE FROM audit_log WHERE seq >= 5`);
    expect((await verifyAuditLog(t.sql, { key })).firstBroken).toBeNull();
    expect((await verifyAuditLog(t.sql, { key, head })).firstBroken).toMatchObject({ seq: 6, id: null, reason: "the recorded head's row is missing" });
  });

  it("deleting the newest rows and writing new ones up to the head's seq is caught too", async () => {
    const t = await fresh();
    const head = await currentAuditHead(t.sql, key);
    await tamper(t, `DELETE FROM audit_log WHERE seq >= 5`);
    for (let i = 0; i < 2; i++) {
      await recordAudit(t.sql, { actor: { id: null, email: null, role: null }, action: "x", outcome: "denied", request: { ip: null, userAgent: null, requestId: null, traceId: null } });
    }
    expect((await verifyAuditLog(t.sql, { key, head })).firstBroken).toMatchObject({ seq: 6, reason: "recorded head does not match" });
  });

  it("a head sealed with another key does not verify", async () => {
    const t = await fresh();
    const head = (await currentAuditHead(t.sql, "y".repeat(40)))!;
    expect((await verifyAuditLog(t.sql, { key, head })).firstBroken).toMatchObject({ reason: "recorded head does not match" });
  });
});

describe("publishing the head and npm run audit:verify", () => {
  const run = promisify(execFile);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "audit-head-"));
  const file = path.join(dir, "audit-head.jsonl");
  let t: TestDatabase;
  beforeAll(async () => {
    t = await fresh(3);
  });

  async function verifyCli(extra: string[] = []) {
    try {
      const { stdout } = await run(process.execPath, [...TSX_NODE_ARGS, "scripts/audit-verify.ts", "--head-file", file, ...extra], {
        env: { ...process.env, DATABASE_URL: t.url, TE_DATA_DIR: dir },
      });
      return { code: 0, output: stdout };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, output: `${e.stdout}${e.stderr}` };
    }
  }

  it("appends a head line only when the chain grew, and logs it", async () => {
    const lines: string[] = [];
    const log = createLogger({ destination: { write: (line: string) => void lines.push(line) } });
    const first = await publishAuditHead({ sql: t.sql, key, file, log }, null);
    expect(first).toMatchObject({ seq: 3 });
    expect(await publishAuditHead({ sql: t.sql, key, file, log }, 3)).toBeNull();
    expect(lastRecordedHead(file)).toMatchObject({ seq: 3, mac: first!.mac });
    expect(lines.join("")).toContain(`audit head seq 3 mac ${first!.mac}`);
  });

  it("the CLI passes the intact log and fails (exit 1) once the head's row is gone", async () => {
    expect(await verifyCli()).toMatchObject({ code: 0, output: expect.stringContaining("Audit chain intact: 3 rows checked. 3 keyed.") });
    await tamper(t, `DELETE FROM audit_log WHERE seq = 3`);
    const broken = await verifyCli();
    expect(broken.code).toBe(1);
    expect(broken.output).toContain("BROKEN at seq 3: the recorded head's row is missing");
  });
});
