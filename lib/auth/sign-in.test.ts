import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { users } from "@/db/schema";
import { requestMetaFrom } from "@/lib/audit/request-meta";
import { PEER_ADDRESS_HEADER } from "@/lib/security/client-address";
import { hashPassword } from "./password";
import { checkCredentials } from "./sign-in";
import { MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_PAIR } from "./sign-in-limits";

let t: TestDatabase;
const request = { ip: "198.51.100.7", userAgent: "vitest", requestId: null, traceId: null };
const find = (email: string) => t.db.select().from(users).where(eq(users.email, email)).then((r) => r[0]);
const from = (ip: string) => ({ ...request, ip });

beforeAll(async () => {
  t = await createTestDatabase();
  const hash = await hashPassword("right-password");
  await t.db.insert(users).values([
    { email: "ana@demo.test", name: "Ana", passwordHash: hash, role: "investigator" },
    { email: "off@demo.test", name: "Off", passwordHash: hash, role: "admin", disabled: true },
    { email: "race@demo.test", name: "Race", passwordHash: hash, role: "admin" },
    { email: "boss@demo.test", name: "Boss", passwordHash: hash, role: "admin" },
    { email: "xff@demo.test", name: "Xff", passwordHash: hash, role: "investigator" },
  ]);
});
afterAll(async () => {
  await t.drop();
});

async function signInRows(email: string) {
  return t.sql`SELECT outcome, details->>'reason' AS reason, actor_id, ip FROM audit_log WHERE action = 'auth.sign_in' AND actor_email = ${email} ORDER BY seq`;
}

/** Makes the pair's current pause end now, as if its time had passed. */
async function endPause(email: string, ip: string) {
  await t.sql`UPDATE sign_in_throttle SET blocked_until = now() - interval '1 second' WHERE account = ${email} AND address = ${ip} AND blocked_until IS NOT NULL`;
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
      checkCredentials(t.sql, find, "ana@demo.test", "wrong", from("192.0.2.1")),
      checkCredentials(t.sql, find, "nobody@demo.test", "right-password", from("192.0.2.1")),
      checkCredentials(t.sql, find, "off@demo.test", "right-password", from("192.0.2.1")),
    ]);
    expect(outcomes).toEqual([
      { ok: false, reason: "invalid" },
      { ok: false, reason: "invalid" },
      { ok: false, reason: "invalid" },
    ]);
    // The audit log, read by auditors only, does record why.
    expect((await signInRows("off@demo.test")).map((r) => r.reason)).toEqual(["disabled"]);
  });

  it("pauses an address after repeated failures on an account, even for the right password, and doubles the pause", async () => {
    const email = "ana@demo.test";
    const ip = "192.0.2.50";
    for (let i = 0; i < MAX_FAILURES_PER_PAIR; i++) await checkCredentials(t.sql, find, email, `wrong-${i}`, from(ip));
    expect(await checkCredentials(t.sql, find, email, "right-password", from(ip))).toEqual({ ok: false, reason: "throttled" });
    expect((await signInRows(email)).at(-1)).toMatchObject({ outcome: "denied", reason: "throttled" });
    const [first] = await t.sql<{ seconds: number }[]>`SELECT extract(epoch FROM blocked_until - last_attempt_at)::float8 AS seconds FROM sign_in_throttle WHERE account = ${email} AND address = ${ip}`;
    expect(first!.seconds).toBeGreaterThan(55);
    expect(first!.seconds).toBeLessThan(65);

    // After the pause, a new round of attempts; failing it again earns a pause twice as long.
    await endPause(email, ip);
    for (let i = 0; i < MAX_FAILURES_PER_PAIR; i++) await checkCredentials(t.sql, find, email, `again-${i}`, from(ip));
    const [second] = await t.sql<{ seconds: number }[]>`SELECT extract(epoch FROM blocked_until - last_attempt_at)::float8 AS seconds FROM sign_in_throttle WHERE account = ${email} AND address = ${ip}`;
    expect(second!.seconds).toBeGreaterThan(115);
    await endPause(email, ip);
    expect((await checkCredentials(t.sql, find, email, "right-password", from(ip))).ok).toBe(true);
  });

  it("checks at most the limit of 30 parallel wrong passwords for one account from one address", async () => {
    const email = "race@demo.test";
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => checkCredentials(t.sql, find, email, `guess-${i}`, from("203.0.113.66"))));
    const checked = results.filter((r) => !r.ok && r.reason === "invalid").length;
    expect(checked).toBeLessThanOrEqual(MAX_FAILURES_PER_PAIR);
    expect(checked).toBeGreaterThan(0);
    expect(results.filter((r) => !r.ok && r.reason === "throttled")).toHaveLength(30 - checked);
    const rows = await signInRows(email);
    expect(rows.filter((r) => r.outcome === "failure")).toHaveLength(checked);
  });

  it("lets the owner sign in from their address however many strangers fail from theirs", async () => {
    const email = "boss@demo.test";
    // Twelve attacker addresses, each failing until paused, all in parallel.
    await Promise.all(
      Array.from({ length: 12 }, (_, a) =>
        (async () => {
          for (let i = 0; i <= MAX_FAILURES_PER_PAIR; i++) await checkCredentials(t.sql, find, email, `attack-${i}`, from(`198.18.0.${a + 1}`));
        })(),
      ),
    );
    const failures = (await signInRows(email)).filter((r) => r.outcome === "failure").length;
    expect(failures).toBe(12 * MAX_FAILURES_PER_PAIR);
    expect((await checkCredentials(t.sql, find, email, "right-password", from("192.0.2.200"))).ok).toBe(true);
  });

  it("pauses an address that sprays many accounts, and only that address", async () => {
    const spray = "192.0.2.99";
    const results = [];
    for (let i = 0; i <= MAX_FAILURES_PER_ADDRESS; i++) results.push(await checkCredentials(t.sql, find, `user${i}@demo.test`, "guess", from(spray)));
    expect(results.at(-1)).toEqual({ ok: false, reason: "throttled" });
    expect((await checkCredentials(t.sql, find, "ana@demo.test", "right-password", from(spray))).ok).toBe(false);
    expect((await checkCredentials(t.sql, find, "ana@demo.test", "right-password", from("192.0.2.98"))).ok).toBe(true);
  });

  it("cannot be dodged by rotating X-Forwarded-For: the socket address is the one counted", async () => {
    process.env.TE_PEER_ADDRESS_HEADER = PEER_ADDRESS_HEADER;
    try {
      const email = "xff@demo.test";
      const forged = ["=1+1", "<svg onload=alert(1)>", "203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4", "203.0.113.5", "10.9.8.7"];
      const results = [];
      for (const xff of forged) {
        const meta = requestMetaFrom(new Headers({ [PEER_ADDRESS_HEADER]: "::ffff:198.51.100.23", "x-forwarded-for": xff }));
        results.push(await checkCredentials(t.sql, find, email, "wrong", meta));
      }
      expect(results.slice(MAX_FAILURES_PER_PAIR).every((r) => !r.ok && r.reason === "throttled")).toBe(true);
      expect(new Set((await signInRows(email)).map((r) => r.ip))).toEqual(new Set(["198.51.100.23"]));
    } finally {
      delete process.env.TE_PEER_ADDRESS_HEADER;
    }
  });
});
