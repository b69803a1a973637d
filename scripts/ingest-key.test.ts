import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../db/testing/test-db";
import { auditKeyFromEnv } from "../lib/audit/mac";
import { verifyAuditLog } from "../lib/audit/verify";
import { TSX_NODE_ARGS } from "./node/tsx";

// Issue 15 item 10: keys created or revoked with the CLI left no audit row.

const run = promisify(execFile);
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`INSERT INTO tenants (id, name) VALUES ('alpha', 'Alpha')`;
});
afterAll(async () => {
  await t.drop();
});

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout } = await run(process.execPath, [...TSX_NODE_ARGS, "scripts/ingest-key.ts", ...args], { env: { ...process.env, DATABASE_URL: t.url, TE_DATA_DIR: "/nonexistent", ...env } });
    return { code: 0, output: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: `${e.stdout}${e.stderr}` };
  }
}
const rows = () => t.sql<{ action: string; outcome: string; tenants: string[]; details: Record<string, unknown>; mac: string | null }[]>`
  SELECT action, outcome, tenants, details, mac FROM audit_log ORDER BY seq`;

describe("npm run ingest-key writes audit rows", () => {
  let id: string;

  it("create: one keyed admin.key.create row naming the tenant and prefix, never the key", async () => {
    const created = await cli(["create", "--tenant", "alpha", "--name", "checkout"]);
    expect(created.code).toBe(0);
    const key = /^\s+(\S+)$/m.exec(created.output)![1]!;
    [, id] = /\(id ([0-9a-f-]{36})\)/.exec(created.output)! as unknown as [string, string];
    const audit = await rows();
    expect(audit).toEqual([
      expect.objectContaining({
        action: "admin.key.create",
        outcome: "success",
        tenants: ["alpha"],
        details: expect.objectContaining({ via: "npm run ingest-key", new: expect.objectContaining({ name: "checkout", tenantId: "alpha" }) }),
        mac: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    ]);
    expect(JSON.stringify(audit)).not.toContain(key);
  });

  it("revoke: one admin.key.revoke row; revoking again is refused with a failure row", async () => {
    expect((await cli(["revoke", id])).code).toBe(0);
    expect((await cli(["revoke", id])).code).toBe(1);
    const audit = (await rows()).slice(1);
    expect(audit.map((r) => `${r.action} ${r.outcome}`)).toEqual(["admin.key.revoke success", "admin.key.revoke failure"]);
    expect(audit[0]!.details).toMatchObject({ old: { revokedAt: null }, new: { tenantId: "alpha" } });
  });

  it("without AUDIT_HMAC_KEY nothing is changed", async () => {
    const before = await t.sql`SELECT count(*)::int AS n FROM ingest_keys`;
    const refused = await cli(["create", "--tenant", "alpha"], { AUDIT_HMAC_KEY: "" });
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain("AUDIT_HMAC_KEY is not set");
    expect(await t.sql`SELECT count(*)::int AS n FROM ingest_keys`).toEqual(before);
  });

  it("the rows verify with the app's key", async () => {
    expect(await verifyAuditLog(t.sql, { key: auditKeyFromEnv() })).toMatchObject({ rows: 3, firstBroken: null, keyed: { rows: 3 } });
  });
});
