import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { demoLogin, signInWithForm } from "../fixtures/demo";
import { createUser } from "../../lib/auth/testing/users";
import { e2eDatabase } from "../fixtures/db";

const COOKIE = "authjs.session-token";
const LOOPBACK = ["127.0.0.1", "::1"];

async function sessionCookie(page: Page): Promise<string> {
  return (await page.context().cookies()).find((c) => c.name === COOKIE)!.value;
}

/** The stolen copy of a cookie, replayed on its own against the API. */
async function readsTraces(request: APIRequestContext, cookie: string): Promise<number> {
  return (await request.get("/api/traces", { headers: { cookie: `${COOKIE}=${cookie}` } })).status();
}

async function signOutRows(email: string): Promise<number> {
  const sql = e2eDatabase();
  const rows = await sql`SELECT 1 FROM audit_log WHERE action = 'auth.sign_out' AND actor_email = ${email}`;
  await sql.end();
  return rows.length;
}

test("Auth.js's POST /api/auth/signout ends the session: the old cookie no longer reads /api/traces", async ({ page, request }) => {
  const login = demoLogin("investigator");
  await signInWithForm(page, login);
  const old = await sessionCookie(page);
  expect(await readsTraces(request, old)).toBe(200);
  const before = await signOutRows(login.email);

  const { csrfToken } = await (await page.request.get("/api/auth/csrf")).json();
  const out = await page.request.post("/api/auth/signout", { form: { csrfToken, callbackUrl: "/login" }, maxRedirects: 0 });
  expect(out.status()).toBe(302);

  expect(await readsTraces(request, old)).toBe(401);
  expect(await signOutRows(login.email)).toBe(before + 1);
});

test("the UI's sign-out ends the session too", async ({ page, request }) => {
  const login = demoLogin("admin");
  await signInWithForm(page, login);
  const old = await sessionCookie(page);
  const before = await signOutRows(login.email);
  await page.waitForLoadState("networkidle");
  await page.getByTestId("user-menu").click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);

  expect(await readsTraces(request, old)).toBe(401);
  await expect.poll(() => signOutRows(login.email)).toBe(before + 1);
});

test("a forged X-Forwarded-For is neither stored nor a way around the sign-in throttle", async ({ request }) => {
  const victim = { email: "xff-victim@demo.test", password: "xff-victim-password-1", role: "investigator" as const };
  const sql = e2eDatabase();
  await createUser(sql, victim);
  const forged = ["=1+1", "<svg onload=alert(1)>", "203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"];
  for (const xff of forged) {
    const { csrfToken } = await (await request.get("/api/auth/csrf")).json();
    await request.post("/api/auth/callback/credentials", {
      // Every header a client could use to name an address, the app server's own included.
      headers: { "x-forwarded-for": xff, "x-real-ip": xff, "x-te-peer-address": xff },
      form: { csrfToken, email: victim.email, password: "wrong-password", callbackUrl: "/traces" },
      maxRedirects: 0,
    });
  }
  const rows = await sql<{ outcome: string; ip: string | null }[]>`
    SELECT outcome, ip FROM audit_log WHERE action = 'auth.sign_in' AND actor_email = ${victim.email} ORDER BY seq`;
  await sql.end();
  expect(rows.map((r) => r.outcome)).toEqual(["failure", "failure", "failure", "failure", "failure", "denied"]);
  for (const row of rows) expect(LOOPBACK).toContain(row.ip);
});

test("a client's x-request-id is kept beside the server's own id, never in its place", async ({ page }) => {
  await signInWithForm(page, demoLogin("investigator"));
  const response = await page.request.get("/api/traces", { headers: { "x-request-id": "someone-elses-request-1" } });
  expect(response.status()).toBe(200);
  const own = response.headers()["x-request-id"];
  expect(own).not.toBe("someone-elses-request-1");
  const sql = e2eDatabase();
  const rows = await sql`SELECT request_id, details->>'clientRequestId' AS client FROM audit_log WHERE request_id IN (${own!}, 'someone-elses-request-1')`;
  await sql.end();
  expect(rows).toEqual([{ request_id: own, client: "someone-elses-request-1" }]);
});
