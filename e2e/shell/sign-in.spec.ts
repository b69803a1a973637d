import { expect, test } from "@playwright/test";
import { demoLogin, signInWithForm } from "../fixtures/demo";

test("the demo admin signs in and sees the shell with every section", async ({ page }) => {
  await signInWithForm(page, demoLogin("admin"));
  await expect(page).toHaveURL(/\/traces$/);
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const section of ["Traces", "Latency", "Services", "Investigate", "Audit", "Admin"]) {
    await expect(nav.getByRole("link", { name: section })).toBeVisible();
  }
  await page.getByTestId("user-menu").click();
  await expect(page.getByTestId("user-role")).toHaveText("Admin");
  await expect(page.getByTestId("user-scope")).toHaveText("All tenants");
  // Demo data is there: the first start seeded traces across tenants (how many fall in the
  // default window depends on the hour and weekday the demo's traffic curve gives now).
  await expect(page.getByTestId("trace-results").locator("tbody tr").first()).toBeVisible();
});

test("a wrong password is refused with one message that does not say which part was wrong", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(demoLogin("admin").email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Wrong e-mail or password.")).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});

test("signed-out visitors are sent to the login page", async ({ page }) => {
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});

test("a tenant viewer sees only their tenants and no admin section", async ({ page }) => {
  const viewer = demoLogin("tenant_viewer");
  await signInWithForm(page, viewer);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" })).toHaveCount(0);
  const tenantCells = page.getByTestId("trace-results").locator("tbody tr td:nth-child(2)");
  await expect(tenantCells.first()).toBeVisible();
  const seen = new Set(await tenantCells.allTextContents());
  expect([...seen].every((t) => viewer.tenants.includes(t))).toBe(true);
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();
});

test("an auditor is refused trace data", async ({ page }) => {
  await signInWithForm(page, demoLogin("auditor"));
  await page.goto("/traces");
  await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();
  await expect(page.getByTestId("trace-results")).toHaveCount(0);
});

test("signing out ends the session", async ({ page }) => {
  await signInWithForm(page, demoLogin("investigator"));
  // A submit clicked while React is still hydrating the page can be dropped; wait until the
  // page has settled (scripts loaded, prefetches done), as a person's first click would.
  await page.waitForLoadState("networkidle");
  await page.getByTestId("user-menu").click();
  const signOut = page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/traces"));
  await page.getByRole("button", { name: "Sign out" }).click();
  await signOut;
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/traces");
  await expect(page).toHaveURL(/\/login/);
});
