import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { users } from "@/db/schema";
import { hashPassword } from "./password";
import { checkCredentials } from "./sign-in";
import { MAX_FAILURES_PER_ACCOUNT } from "./sign-in-limits";

let t: TestDatabase;
const request = { ip: "198.51.100.7", userAgent: "vitest", requestId: null, traceId: null };
const find = (email: string) => t.db.select().from(users).where(eq(users.email, email)).then((r) => r[0]);

beforeAll(async () => {
  t = await createTestDatabase();
  const hash = await hashPassword("right-password");
  await t.db.insert(users).values([
    { email: "ana@demo.test", name: "Ana", passwordHash: hash, role: "investigator" },
    { email: "off@demo.test", name: "Off", passwordHash: hash, role: "admin", disabled: true },
  ]);
});
afterAll(async () => {
  await t.drop();
});

async function signInRows(email: string) {
  return t.sql`SELECT outcome, details->>'reason' AS reason, actor_id FROM audit_log WHERE action = 'auth.sign_in' AND actor_email = ${email} ORDER BY seq`;
}

describe("checkCredentials", () => {
  it("accepts the right password and audits the success with the user's id and role", async () => {
    const result = await checkCredentials(t.sql, find, "ana@demo.test", "right-password", request);
    expect(result.ok).toBe(true);
    const rows = await signInRows("ana@demo.test");
    expect(rows.map((r) => r.outcome)).toEqual(["success"]);
    expect(rows[0]!.actor_id).not.toBeNull();
  });

  it("gives the same answer for a wrong password, an unknown account and a disabled one", async () => {
    const outcomes = await Promise.all([
      checkCredentials(t.sql, find, "ana@demo.test", "wrong", { ...request, ip: "192.0.2.1" }),
      checkCredentials(t.sql, find, "nobody@demo.test", "right-password", { ...request, ip: "192.0.2.1" }),
      checkCredentials(t.sql, find, "off@demo.test", "right-password", { ...request, ip: "192.0.2.1" }),
    ]);
    expect(outcomes).toEqual([
      { ok: false, reason: "invalid" },
      { ok: false, reason: "invalid" },
      { ok: false, reason: "invalid" },
    ]);
    // The audit log, read by auditors only, does record why.
    expect((await signInRows("off@demo.test")).map((r) => r.reason)).toEqual(["disabled"]);
  });

  it("throttles an account after repeated failures, even with the right password", async () => {
    const email = "ana@demo.test";
    const already = (await signInRows(email)).filter((r) => r.outcome === "failure").length;
    for (let i = already; i < MAX_FAILURES_PER_ACCOUNT; i++) {
      await checkCredentials(t.sql, find, email, `wrong-${i}`, { ...request, ip: `192.0.2.${10 + i}` });
    }
    const result = await checkCredentials(t.sql, find, email, "right-password", request);
    expect(result).toEqual({ ok: false, reason: "throttled" });
    expect((await signInRows(email)).at(-1)).toMatchObject({ outcome: "denied", reason: "throttled" });
  });
});
