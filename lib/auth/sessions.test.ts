import type { AuthConfig } from "@auth/core";
import { decode, encode } from "@auth/core/jwt";
import Credentials from "@auth/core/providers/credentials";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { authConfig } from "./config";
import { hashPassword } from "./password";
import { sessionIsLive, sessionLifecycle } from "./sessions";
import { AuthBrowser } from "./testing/auth-browser";

/**
 * Sessions through Auth.js's own route handler (sign-in, session refresh, sign-out), configured
 * as lib/auth/index.ts configures it; `sessionIsLive` is the check getCurrentUser makes on
 * every request before anything is read.
 */
const SECRET = randomBytes(32).toString("base64url");
const COOKIE = "authjs.session-token";
const request = { ip: "203.0.113.9", userAgent: "vitest", requestId: null, traceId: null };

let t: TestDatabase;
let auth: AuthConfig;
let userId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const [row] = await t.sql<{ id: string }[]>`
    INSERT INTO users (email, name, role, password_hash) VALUES ('ana@demo.test', 'Ana', 'investigator', ${await hashPassword("right-password")})
    RETURNING id`;
  userId = row!.id;
  const sessions = sessionLifecycle({ sql: () => t.sql, request: async () => request });
  auth = {
    ...authConfig,
    secret: SECRET,
    trustHost: true,
    basePath: "/api/auth",
    callbacks: { ...authConfig.callbacks, jwt: sessions.jwt },
    events: { signOut: sessions.signOut },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        // The password check itself is sign-in.test.ts's; here any right password will do.
        authorize: async (raw) => (raw.password === "right-password" ? { id: userId, email: "ana@demo.test" } : null),
      }),
    ],
    logger: { error: () => {}, warn: () => {}, debug: () => {} },
  };
});
afterAll(async () => {
  await t.drop();
});

async function signedIn(): Promise<AuthBrowser> {
  const browser = new AuthBrowser(() => auth);
  await browser.post("/api/auth/callback/credentials", { email: "ana@demo.test", password: "right-password" });
  expect(browser.cookie(COOKIE)).toBeDefined();
  return browser;
}

const tokenOf = (cookie: string | undefined) => decode({ token: cookie, secret: SECRET, salt: COOKIE });

/** What the app makes of a cookie on a request: Auth.js's session, then the database's verdict. */
async function readsData(cookie: string): Promise<boolean> {
  const browser = new AuthBrowser(() => auth);
  browser.setCookie(COOKIE, cookie);
  const session = (await (await browser.fetch("/api/auth/session")).json()) as { user?: { id: string }; sessionId?: string } | null;
  return session?.user?.id === userId && (await sessionIsLive(t.sql, session.sessionId, userId));
}

describe("sessions", () => {
  it("signing in opens a session the cookie names; it reads data", async () => {
    const browser = await signedIn();
    const token = await tokenOf(browser.cookie(COOKIE));
    expect(token?.sid).toMatch(/^[0-9a-f-]{36}$/);
    expect(await readsData(browser.cookie(COOKIE)!)).toBe(true);
  });

  it("POST /api/auth/signout ends the session: the old cookie no longer reads data, and the sign-out is audited", async () => {
    const browser = await signedIn();
    const old = browser.cookie(COOKIE)!;
    const { sid } = (await tokenOf(old))!;
    const response = await browser.post("/api/auth/signout");
    expect(response.status).toBe(302);
    expect(browser.cookie(COOKIE)).toBeUndefined();
    // The attacker's copy of the cookie: still a valid JWT, no longer a session.
    expect(await readsData(old)).toBe(false);
    const [row] = await t.sql`SELECT ended_at FROM auth_sessions WHERE id = ${sid as string}`;
    expect(row!.ended_at).not.toBeNull();
    const audit = await t.sql`SELECT actor_id, actor_email, role, outcome, ip, details FROM audit_log WHERE action = 'auth.sign_out'`;
    expect(audit).toEqual([{ actor_id: userId, actor_email: "ana@demo.test", role: "investigator", outcome: "success", ip: "203.0.113.9", details: {} }]);
  });

  it("refreshing the session never moves its absolute end", async () => {
    const browser = await signedIn();
    const first = (await tokenOf(browser.cookie(COOKIE)))!;
    expect((first.sessionExpiresAt as number) - Date.now() / 1000).toBeGreaterThan(12 * 3600 - 60);
    expect((first.sessionExpiresAt as number) - Date.now() / 1000).toBeLessThanOrEqual(12 * 3600);
    await new Promise((r) => setTimeout(r, 1100));
    for (let i = 0; i < 3; i++) await browser.fetch("/api/auth/session");
    const refreshed = (await tokenOf(browser.cookie(COOKIE)))!;
    expect(refreshed.exp).toBeGreaterThan(first.exp!);
    expect(refreshed.sessionExpiresAt).toBe(first.sessionExpiresAt);
  });

  it("a session past its absolute end is refused, however fresh its cookie", async () => {
    const browser = await signedIn();
    const token = (await tokenOf(browser.cookie(COOKIE)))!;
    // A cookie refreshed a minute ago (valid for hours by its own exp) whose session ended a second ago.
    const stale = await encode({ token: { ...token, sessionExpiresAt: Math.floor(Date.now() / 1000) - 1 }, secret: SECRET, salt: COOKIE });
    const session = new AuthBrowser(() => auth);
    session.setCookie(COOKIE, stale);
    expect(await (await session.fetch("/api/auth/session")).json()).toBeNull();
    // And the database's end holds even if the token's were moved by someone holding the secret.
    await t.sql`UPDATE auth_sessions SET expires_at = now() - interval '1 second' WHERE id = ${token.sid as string}`;
    expect(await readsData(browser.cookie(COOKIE)!)).toBe(false);
  });

  it("a token without a session (minted or from before sessions) reads nothing", async () => {
    const minted = await encode({ token: { sub: userId, sessionExpiresAt: Math.floor(Date.now() / 1000) + 600 }, secret: SECRET, salt: COOKIE });
    expect(await readsData(minted)).toBe(false);
  });
});
