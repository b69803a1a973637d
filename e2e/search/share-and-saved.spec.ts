import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createUser } from "../../lib/auth/testing/users";
import { e2eDatabase } from "../fixtures/db";
import { demoLogin, signIn } from "../fixtures/demo";

// Issue 18 item 12, the search half: Share pins the range; saved queries are per user.

test("Share copies the search with the relative range pinned to an absolute one, which opens the same window", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, demoLogin("investigator"), "/traces?range=6h&service=web-api&status=error");
  const clicked = Date.now();
  await page.getByRole("button", { name: "Share" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Link copied" })).toBeVisible();
  const shown = await page.getByLabel("Link to this search with an absolute time range").inputValue();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);

  const url = new URL(shown);
  expect(url.pathname).toBe("/traces");
  expect(url.searchParams.get("range")).toBeNull();
  expect(url.searchParams.get("service")).toBe("web-api");
  expect(url.searchParams.get("status")).toBe("error");
  const from = Date.parse(url.searchParams.get("from")!);
  const to = Date.parse(url.searchParams.get("to")!);
  expect(to - from).toBe(6 * 3_600_000);
  expect(Math.abs(to - clicked)).toBeLessThan(60_000);

  await page.goto(shown);
  await expect(page).toHaveURL((u) => u.searchParams.get("from") === url.searchParams.get("from") && u.searchParams.get("to") === url.searchParams.get("to"));
  await expect(page.getByTestId("trace-results").or(page.getByTestId("no-results")).first()).toBeVisible();
  // Next's route announcer is an empty alert; no problem is reported.
  await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveCount(0);
});

test("saved queries: save, apply and delete; another user never sees them; a foreign URL is refused", async ({ page, browser }) => {
  // Two users sign in, and the page renders five times.
  test.setTimeout(90_000);
  const sql = e2eDatabase();
  const suffix = randomBytes(3).toString("hex");
  const ann = { email: `ann-${suffix}@e2e.test`, password: randomBytes(12).toString("base64url"), role: "investigator" as const };
  const bob = { email: `bob-${suffix}@e2e.test`, password: randomBytes(12).toString("base64url"), role: "investigator" as const };
  await createUser(sql, ann);
  await createUser(sql, bob);

  await signIn(page, ann, "/traces?range=7d&status=error");
  await page.getByText("Saved queries (0)").click();
  await page.getByLabel("Name of this search").fill("Week of errors");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: 'Saved "Week of errors".' })).toBeVisible();
  await expect(page.getByText("Saved queries (1)")).toBeVisible();

  // Refused: the hidden URL replaced by another origin's. Nothing is stored.
  await page.locator('input[type=hidden][name="url"]').evaluate((el: HTMLInputElement) => (el.value = "https://evil.example/traces"));
  await page.getByLabel("Name of this search").fill("Elsewhere");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "url: must be a path of this app" })).toBeVisible();

  // Applying it from another search.
  await page.goto("/traces?range=1h");
  await page.getByText("Saved queries (1)").click();
  await page.getByRole("link", { name: "Week of errors" }).click();
  await expect(page).toHaveURL((u) => u.pathname === "/traces" && u.searchParams.get("range") === "7d" && u.searchParams.get("status") === "error");

  // Bob sees none of it.
  const other = await browser.newContext();
  const bobPage = await other.newPage();
  await signIn(bobPage, bob, "/traces");
  await expect(bobPage.getByText("Saved queries (0)")).toBeVisible();
  await expect(bobPage.getByRole("link", { name: "Week of errors" })).toHaveCount(0);
  await other.close();

  await page.goto("/traces");
  await page.getByText("Saved queries (1)").click();
  await page.getByRole("button", { name: "Delete saved query Week of errors" }).click();
  await expect(page.getByText("Saved queries (0)").filter({ visible: true })).toBeVisible();

  const stored = await sql`SELECT s.name, s.url FROM saved_queries s JOIN users u ON u.id = s.user_id WHERE u.email IN (${ann.email}, ${bob.email})`;
  const audit = await sql<{ action: string; outcome: string }[]>`
    SELECT action, outcome FROM audit_log WHERE actor_email = ${ann.email} AND action LIKE 'saved_query.%' AND outcome IN ('success', 'failure') ORDER BY seq`;
  await sql.end();
  expect(stored).toEqual([]);
  expect(audit.map((a) => `${a.action} ${a.outcome}`)).toEqual(["saved_query.save success", "saved_query.save failure", "saved_query.delete success"]);
});
