import { expect, test, type Page, type Request } from "@playwright/test";
import { demoLogin, signInWithForm } from "../fixtures/demo";
import { e2eDatabase } from "../fixtures/db";

const EVIL_ORIGIN = "https://evil.example";

/** The next server-action POST the page sends, as the browser sent it. */
function nextServerAction(page: Page): Promise<Request> {
  return page.waitForRequest((r) => r.method() === "POST" && r.headers()["next-action"] !== undefined);
}

/** The captured request's headers as another site would send them: its Origin, no length. */
async function forgedHeaders(request: Request, drop: string[] = []): Promise<Record<string, string>> {
  const headers: Record<string, string> = { ...(await request.allHeaders()), origin: EVIL_ORIGIN };
  for (const name of ["content-length", ...drop]) delete headers[name];
  return headers;
}

async function userExists(email: string): Promise<boolean> {
  const sql = e2eDatabase();
  const rows = await sql`SELECT 1 FROM users WHERE email = ${email}`;
  await sql.end();
  return rows.length > 0;
}

test("a server action replayed from another origin is refused and changes nothing", async ({ page }) => {
  await signInWithForm(page, demoLogin("admin"));
  await page.goto("/admin/users");
  await page.waitForLoadState("networkidle");
  const form = page.getByRole("form", { name: "Create user" });
  await form.getByLabel("E-mail").fill("csrf-original@demo.test");
  await form.getByLabel("Name").fill("Csrf Original");
  await form.getByLabel("Role").selectOption("investigator");
  await form.getByLabel("Single sign-on only").check();
  const sent = nextServerAction(page);
  await form.getByRole("button", { name: "Create user" }).click();
  const original = await sent;
  await expect(page.getByRole("status").filter({ hasText: "Created csrf-original@demo.test." })).toBeVisible();

  // The same request, with the admin's cookies, for another user, as an attacker's page would send it.
  const body = original.postDataBuffer()!.toString("latin1").replace("csrf-original@demo.test", "csrf-forged@demo.test");
  const headers = await forgedHeaders(original);
  const forged = await page.request.post(original.url(), { headers, data: Buffer.from(body, "latin1"), maxRedirects: 0 });
  expect(forged.status()).toBe(500);
  expect(await forged.text()).not.toContain("Created csrf-forged");
  expect(await userExists("csrf-forged@demo.test")).toBe(false);

  // Proof the replay itself was well-formed: from the app's own origin it goes through.
  const sameOrigin = await page.request.post(original.url(), {
    headers: { ...headers, origin: new URL(original.url()).origin },
    data: Buffer.from(body, "latin1"),
  });
  expect(sameOrigin.status()).toBe(200);
  expect(await userExists("csrf-forged@demo.test")).toBe(true);
});

test("the login form's server action from another origin signs nobody in", async ({ page, playwright, baseURL }) => {
  const admin = demoLogin("admin");
  await page.goto("/login");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("E-mail").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  const sent = nextServerAction(page);
  await page.getByRole("button", { name: "Sign in" }).click();
  const original = await sent;
  await expect(page.getByTestId("user-menu")).toBeVisible();

  const fresh = await playwright.request.newContext({ baseURL });
  const headers = await forgedHeaders(original, ["cookie"]);
  const forged = await fresh.post(original.url(), { headers, data: original.postDataBuffer()!, maxRedirects: 0 });
  expect(forged.status()).toBe(500);
  expect(forged.headers()["set-cookie"] ?? "").not.toContain("session-token");
  await fresh.dispose();
});

test("Auth.js endpoints refuse a sign-in or sign-out without their CSRF token", async ({ page, playwright, baseURL }) => {
  const admin = demoLogin("admin");
  const anonymous = await playwright.request.newContext({ baseURL });
  const forgedSignIn = await anonymous.post("/api/auth/callback/credentials", {
    headers: { origin: EVIL_ORIGIN },
    form: { email: admin.email, password: admin.password, callbackUrl: "/traces" },
    maxRedirects: 0,
  });
  expect(forgedSignIn.status()).toBe(302);
  expect(forgedSignIn.headers()["location"]).toContain("MissingCSRF");
  expect(forgedSignIn.headers()["set-cookie"] ?? "").not.toContain("session-token");

  // A token from one browser does not work with another browser's CSRF cookie.
  const { csrfToken } = (await (await anonymous.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const other = await playwright.request.newContext({ baseURL });
  await other.get("/api/auth/csrf");
  const mismatched = await other.post("/api/auth/callback/credentials", {
    form: { csrfToken, email: admin.email, password: admin.password, callbackUrl: "/traces" },
    maxRedirects: 0,
  });
  expect(mismatched.headers()["location"]).toContain("MissingCSRF");
  expect(mismatched.headers()["set-cookie"] ?? "").not.toContain("session-token");
  await anonymous.dispose();
  await other.dispose();

  // A signed-in browser: a sign-out posted without the token leaves the session working.
  await signInWithForm(page, admin);
  const forgedSignOut = await page.request.post("/api/auth/signout", { headers: { origin: EVIL_ORIGIN }, form: {}, maxRedirects: 0 });
  expect(forgedSignOut.headers()["set-cookie"] ?? "").not.toMatch(/session-token=;|session-token=deleted|Max-Age=0/i);
  await page.goto("/traces");
  await expect(page.getByTestId("user-menu")).toBeVisible();
});

test("the sign-out server action replayed from another origin leaves the session alone", async ({ page }) => {
  await signInWithForm(page, demoLogin("investigator"));
  await page.waitForLoadState("networkidle");
  await page.getByTestId("user-menu").click();
  // Capture the real sign-out request but keep it from reaching the server.
  let original: Request | undefined;
  await page.route("**/*", async (route) => {
    if (route.request().method() === "POST" && route.request().headers()["next-action"]) {
      original = route.request();
      await route.abort();
    } else {
      await route.continue();
    }
  });
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect.poll(() => original !== undefined).toBe(true);
  await page.unrouteAll({ behavior: "ignoreErrors" });

  const headers = await forgedHeaders(original!);
  const forged = await page.request.post(original!.url(), { headers, data: original!.postDataBuffer() ?? "", maxRedirects: 0 });
  expect(forged.status()).toBe(500);
  await page.goto("/traces");
  await expect(page.getByTestId("trace-results")).toBeVisible();
});
