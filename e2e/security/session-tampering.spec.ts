import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { encode } from "next-auth/jwt";
import { demoLogin, signInWithForm } from "../fixtures/demo";
import { e2eDatabase } from "../fixtures/db";

const COOKIE = "authjs.session-token";
const dataDir = path.resolve(process.env.E2E_DATA_DIR ?? ".data/e2e");

async function adminId(): Promise<string> {
  const sql = e2eDatabase();
  const [row] = await sql<{ id: string }[]>`SELECT id FROM users WHERE email = ${demoLogin("admin").email}`;
  await sql.end();
  return row!.id;
}

/** Every signed-in page answered to this cookie: the login page, never data. */
async function expectSignedOut(request: APIRequestContext, cookie: string) {
  for (const page of ["/traces", "/admin/users", "/audit"]) {
    const response = await request.get(page, { headers: { cookie: `${COOKIE}=${cookie}` }, maxRedirects: 0 });
    expect(response.status(), page).toBe(307);
    expect(response.headers()["location"], page).toContain("/login");
  }
  const session = await request.get("/api/auth/session", { headers: { cookie: `${COOKIE}=${cookie}` } });
  expect(await session.json()).toBeNull();
}

test("a made-up session cookie is treated as signed out", async ({ request }) => {
  await expectSignedOut(request, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.");
  await expectSignedOut(request, "x".repeat(300));
});

test("a real session cookie with one character changed is treated as signed out", async ({ page, request }) => {
  await signInWithForm(page, demoLogin("admin"));
  const real = (await page.context().cookies()).find((c) => c.name === COOKIE)!.value;
  const middle = Math.floor(real.length / 2);
  const flipped = real.slice(0, middle) + (real[middle] === "A" ? "B" : "A") + real.slice(middle + 1);
  await expectSignedOut(request, flipped);
  // The untouched cookie does work, so the refusal above is the tampering's doing.
  const ok = await request.get("/admin/users", { headers: { cookie: `${COOKIE}=${real}` }, maxRedirects: 0 });
  expect(ok.status()).toBe(200);
});

test("a token minted with another secret for the admin's id is refused, and so is an expired real one", async ({ request }) => {
  const sub = await adminId();
  const wrongSecret = await encode({ token: { sub, email: demoLogin("admin").email }, secret: "not-the-server-secret-".repeat(2), salt: COOKIE });
  await expectSignedOut(request, wrongSecret);

  const secret = fs.readFileSync(path.join(dataDir, "auth.secret"), "utf8").trim();
  // A token names a live server-side session (lib/auth/sessions.ts): open one as signing in would.
  const sql = e2eDatabase();
  const [session] = await sql<{ sid: string; end: number }[]>`
    INSERT INTO auth_sessions (user_id, expires_at) VALUES (${sub}, now() + interval '1 hour')
    RETURNING id AS sid, extract(epoch FROM expires_at)::float8 AS "end"`;
  await sql.end();
  const claims = { sub, sid: session!.sid, sessionExpiresAt: session!.end };
  const expired = await encode({ token: claims, secret, salt: COOKIE, maxAge: -3600 });
  await expectSignedOut(request, expired);
  // Minted the same way but current, the token is accepted: the expiry alone made the difference.
  const current = await encode({ token: claims, secret, salt: COOKIE, maxAge: 600 });
  const ok = await request.get("/admin/users", { headers: { cookie: `${COOKIE}=${current}` }, maxRedirects: 0 });
  expect(ok.status()).toBe(200);
});
