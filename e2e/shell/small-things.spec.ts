import { expect, test } from "@playwright/test";
import { demoLogin, signIn } from "../fixtures/demo";

test("the retry-loop threshold box shows its default, 3", async ({ page }) => {
  await signIn(page, demoLogin("investigator"), "/investigate?view=retries&range=7d");
  await expect(page.getByLabel("Ran more than (1–100) times")).toHaveValue("3");
});

test("an attribute condition with >= is taken as a number and searched", async ({ page }) => {
  await signIn(page, demoLogin("investigator"), "/traces?range=7d");
  await page.getByLabel("Attribute condition").fill("http.response.status_code >= 500");
  await page.getByRole("button", { name: "Add condition" }).click();
  await expect(page.getByTestId("attribute-condition")).toHaveText(/http\.response\.status_code >= 500/);
  await expect(page.getByRole("search").getByRole("alert")).toHaveCount(0);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get("attr")).toBe("http.response.status_code >= 500");
  await expect(page.getByTestId("trace-results").locator("tbody tr").first()).toBeVisible();
});

test("the waterfall's depth control says what it does", async ({ page }) => {
  await signIn(page, demoLogin("investigator"), "/traces?range=30d&sort=spans");
  await page.getByTestId("trace-link").first().click();
  const depth = page.getByLabel("Expand the tree to depth");
  await expect(depth).toBeVisible();
  await expect(depth.locator("option").nth(1)).toHaveText("1 (root only)");
});
