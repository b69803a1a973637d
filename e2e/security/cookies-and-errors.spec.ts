import { expect, test } from "@playwright/test";
import { demoLogin } from "../fixtures/demo";

function setCookies(header: string | undefined): string[] {
  // Playwright joins repeated Set-Cookie headers with newlines.
  return (header ?? "").split("\n").filter(Boolean);
}

async function credentialsSignIn(request: import("@playwright/test").APIRequestContext, headers: Record<string, string>) {
  const csrf = await request.get("/api/auth/csrf", { headers });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const admin = demoLogin("admin");
  const response = await request.post("/api/auth/callback/credentials", {
    headers,
    form: { csrfToken, email: admin.email, password: admin.password, callbackUrl: "/traces" },
    maxRedirects: 0,
  });
  return { csrf, response };
}

test("over http the session and CSRF cookies are HttpOnly and SameSite=Lax", async ({ request }) => {
  const { csrf, response } = await credentialsSignIn(request, {});
  expect(response.status()).toBe(302);
  const session = setCookies(response.headers()["set-cookie"]).find((c) => c.startsWith("authjs.session-token="));
  expect(session).toMatch(/;\s*HttpOnly/i);
  expect(session).toMatch(/;\s*SameSite=Lax/i);
  expect(session).toMatch(/;\s*Path=\//i);
  const csrfCookie = setCookies(csrf.headers()["set-cookie"]).find((c) => c.startsWith("authjs.csrf-token="));
  expect(csrfCookie).toMatch(/;\s*HttpOnly/i);
});

test("behind https the cookies are Secure with __Secure- / __Host- names", async ({ request }) => {
  const https = { "x-forwarded-proto": "https" };
  const { csrf, response } = await credentialsSignIn(request, https);
  const csrfCookie = setCookies(csrf.headers()["set-cookie"]).find((c) => c.startsWith("__Host-authjs.csrf-token="));
  expect(csrfCookie).toMatch(/;\s*Secure/i);
  const session = setCookies(response.headers()["set-cookie"]).find((c) => c.startsWith("__Secure-authjs.session-token="));
  expect(session).toMatch(/;\s*Secure/i);
  expect(session).toMatch(/;\s*HttpOnly/i);
  expect(session).toMatch(/;\s*SameSite=Lax/i);
});

const STACK_TRACE = /\n\s+at [^\n]+\(|node_modules|webpack-internal|\/work\/|\.tsx?:\d+:\d+/;

test("errors reach the browser without stack traces or file paths", async ({ request }) => {
  const attempts = [
    request.post("/traces", { headers: { "next-action": "0".repeat(42), "content-type": "text/plain;charset=UTF-8" }, data: "[]" }),
    request.post("/login", { headers: { "next-action": "not-an-action-id", "content-type": "multipart/form-data; boundary=x" }, data: "--x\r\nbroken" }),
    request.post("/api/auth/callback/credentials", { headers: { "content-type": "application/x-www-form-urlencoded" }, data: "%%%" }),
    request.get("/api/auth/callback/nosuchprovider"),
    request.get("/api/auth/session", { headers: { cookie: "authjs.session-token=%E0%A4%A" } }),
    request.get("/traces/%E0%A4%A"),
  ];
  for (const response of await Promise.all(attempts)) {
    const body = await response.text();
    expect(body, response.url()).not.toMatch(STACK_TRACE);
  }
});
