import { expect, test } from "@playwright/test";
import { signIn } from "../fixtures/demo";
import { createUser } from "../../lib/auth/testing/users";
import { e2eDatabase } from "../fixtures/db";

test("a signed-in user with no role sees only a clear no-access page", async ({ page }) => {
  const sql = e2eDatabase();
  const user = { email: "newcomer@demo.test", password: "newcomer-password-1", role: null };
  await createUser(sql, user);
  await sql.end();

  await signIn(page, user);
  await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveCount(0);
  for (const path of ["/traces", "/admin", "/audit"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();
  }
  await expect(page.getByTestId("trace-results")).toHaveCount(0);
});

test("disabling a signed-in user cuts access on the next request", async ({ page }) => {
  const sql = e2eDatabase();
  const user = { email: "leaver@demo.test", password: "leaver-password-1", role: "investigator" as const };
  await createUser(sql, user);
  await signIn(page, user);
  await expect(page.getByTestId("trace-results")).toBeVisible();

  await sql`UPDATE users SET disabled = true WHERE email = ${user.email}`;
  await sql.end();
  await page.reload();
  await expect(page).toHaveURL(/\/login/);
});
