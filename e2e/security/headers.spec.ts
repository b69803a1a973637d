import { expect, test } from "@playwright/test";
import { demoLogin, signIn } from "../fixtures/demo";

test("pages carry a nonce CSP and the hardening headers, and the app still hydrates under them", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (execute|load)/i.test(message.text())) violations.push(message.text());
  });
  const response = await page.goto("/login");
  const headers = response!.headers();
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("no-referrer");
  expect(headers["x-request-id"]).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/);

  // The user menu opens through React on the client: proof the nonce reached Next's scripts.
  await signIn(page, demoLogin("admin"));
  await page.getByTestId("user-menu").click();
  await expect(page.getByTestId("user-role")).toBeVisible();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  expect(violations).toEqual([]);
});

test("the session cookie is http-only and not readable by scripts", async ({ page, context }) => {
  await signIn(page, demoLogin("investigator"));
  const cookie = (await context.cookies()).find((c) => c.name.endsWith("authjs.session-token"));
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe("Lax");
  expect(await page.evaluate(() => document.cookie)).not.toContain("session-token");
});

test("a page's request id is the server's own, whatever the client sent", async ({ request }) => {
  // A client's id, even in a valid shape, would let it file its audit rows under another request.
  const sent = await request.get("/login", { headers: { "x-request-id": "upstream-req-12345" } });
  expect(sent.headers()["x-request-id"]).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/);
  expect(sent.headers()["x-request-id"]).not.toBe("upstream-req-12345");
  const replaced = await request.get("/login", { headers: { "x-request-id": "bad id <script>" } });
  expect(replaced.headers()["x-request-id"]).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/);
});
