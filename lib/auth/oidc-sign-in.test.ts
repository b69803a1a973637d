import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { oidcConfigFrom } from "./oidc-config";
import { completeOidcSignIn } from "./oidc-sign-in";

let t: TestDatabase;
const request = { ip: "203.0.113.5", userAgent: "vitest", requestId: null, traceId: null };
const config = oidcConfigFrom({
  AUTH_OIDC_ISSUER: "https://idp.example",
  AUTH_OIDC_CLIENT_ID: "trace-explorer",
  AUTH_OIDC_ROLE_CLAIM: "groups",
  AUTH_OIDC_ROLE_MAP: "sre=investigator,platform-admins=admin",
})!;

beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`INSERT INTO users (email, name, role, disabled) VALUES
    ('ivy@demo.test', 'Ivy', 'investigator', false),
    ('ada@demo.test', 'Ada', 'admin', false),
    ('gone@demo.test', 'Gone', 'investigator', true)`;
});
afterAll(async () => {
  await t.drop();
});

const idOf = async (email: string) => ((await t.sql`SELECT id FROM users WHERE email = ${email}`)[0] as { id: string }).id;
const roleOf = async (email: string) => ((await t.sql`SELECT role FROM users WHERE email = ${email}`)[0] as { role: string | null }).role;
const audit = (email: string) =>
  t.sql<{ action: string; outcome: string; details: Record<string, unknown> }[]>`
    SELECT action, outcome, details FROM audit_log WHERE actor_email = ${email} ORDER BY seq`;

describe("completeOidcSignIn", () => {
  it("signs in the account with the verified e-mail and audits it like a password sign-in", async () => {
    const result = await completeOidcSignIn(t.sql, config, { sub: "u-1", email: "IVY@demo.test", email_verified: true, groups: ["sre"] }, request);
    expect(result).toEqual({ ok: true, userId: await idOf("ivy@demo.test") });
    expect(await audit("ivy@demo.test")).toEqual([
      { action: "auth.sign_in", outcome: "success", details: { method: "oidc", issuer: "https://idp.example" } },
    ]);
  });

  it("refuses an unverified e-mail, an unknown account and a disabled one, each audited", async () => {
    expect(await completeOidcSignIn(t.sql, config, { sub: "u-2", email: "ivy@demo.test", email_verified: false }, request)).toEqual({ ok: false, reason: "unverified_email" });
    expect(await completeOidcSignIn(t.sql, config, { sub: "u-3", email: "ivy@demo.test" }, request)).toEqual({ ok: false, reason: "unverified_email" });
    expect(await completeOidcSignIn(t.sql, config, { sub: "u-4", email: "stranger@demo.test", email_verified: true }, request)).toEqual({ ok: false, reason: "unknown_account" });
    expect(await completeOidcSignIn(t.sql, config, { sub: "u-5", email: "gone@demo.test", email_verified: "true" }, request)).toEqual({ ok: false, reason: "disabled" });
    expect((await audit("stranger@demo.test")).map((r) => [r.outcome, r.details.reason])).toEqual([["failure", "unknown_account"]]);
    expect((await audit("gone@demo.test")).map((r) => [r.outcome, r.details.reason])).toEqual([["failure", "disabled"]]);
  });

  it("refuses a claimed role the database does not grant, keeping the database role", async () => {
    const result = await completeOidcSignIn(t.sql, config, { sub: "u-1", email: "ivy@demo.test", email_verified: true, groups: ["platform-admins"] }, request);
    expect(result.ok).toBe(true);
    expect(await roleOf("ivy@demo.test")).toBe("investigator");
    const rows = await audit("ivy@demo.test");
    expect(rows.at(-2)).toEqual({
      action: "auth.oidc.role_sync",
      outcome: "denied",
      details: { method: "oidc", issuer: "https://idp.example", claim: ["platform-admins"], claimed: "admin", granted: "investigator" },
    });
  });

  it("lowers the database role when the provider no longer grants it, with old and new in the audit log", async () => {
    const result = await completeOidcSignIn(t.sql, config, { sub: "u-9", email: "ada@demo.test", email_verified: true, groups: ["sre"] }, request);
    expect(result.ok).toBe(true);
    expect(await roleOf("ada@demo.test")).toBe("investigator");
    expect((await audit("ada@demo.test")).map((r) => [r.action, r.outcome, r.details.old, r.details.new])).toEqual([
      ["auth.oidc.role_sync", "success", { role: "admin" }, { role: "investigator" }],
      ["auth.sign_in", "success", undefined, undefined],
    ]);
  });
});
