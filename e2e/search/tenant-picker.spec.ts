import { expect, test, type Page } from "@playwright/test";
import { e2eDatabase } from "../fixtures/db";
import { demoLogin, signIn } from "../fixtures/demo";

// Issue 18 item 11: the tenant picker with 500 tenants: type to filter, stays open while
// ticking, applies once when closed, operable from the keyboard. The tenants are the spec's own.

const pad = (i: number) => String(i).padStart(3, "0");

test.beforeAll(async () => {
  const sql = e2eDatabase();
  const rows = Array.from({ length: 500 }, (_, i) => ({ id: `e2e-pick-${pad(i + 1)}`, name: `Picker ${pad(i + 1)}` }));
  await sql`INSERT INTO tenants ${sql(rows, "id", "name")} ON CONFLICT (id) DO NOTHING`;
  await sql.end();
});
test.afterAll(async () => {
  const sql = e2eDatabase();
  await sql`DELETE FROM tenants WHERE id LIKE 'e2e-pick-%'`;
  await sql.end();
});

const historyLength = (page: Page) => page.evaluate(() => window.history.length);
const picker = (page: Page) => page.getByRole("group", { name: "Tenants" });
const tenantsIn = (page: Page) => new URL(page.url()).searchParams.getAll("tenant");

test("type to filter, tick with arrows and Space while it stays open, Enter applies once", async ({ page }) => {
  await signIn(page, demoLogin("admin"), "/traces?range=1h&service=web-api");
  const before = await historyLength(page);

  await page.getByRole("button", { name: /^Tenants:/ }).click();
  await expect(picker(page).getByRole("checkbox")).toHaveCount(500 + (await countDemoTenants()));
  const filter = page.getByLabel("Filter tenants");
  await expect(filter).toBeFocused();
  await filter.fill("pick-42");
  await expect(picker(page).getByRole("checkbox")).toHaveCount(10);

  await page.keyboard.press("ArrowDown");
  await expect(picker(page).getByRole("checkbox").first()).toBeFocused();
  await page.keyboard.press("Space");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Space");
  await expect(picker(page).getByRole("checkbox", { checked: true })).toHaveCount(2);
  // Still open, nothing applied yet.
  await expect(picker(page)).toBeVisible();
  expect(tenantsIn(page)).toEqual([]);

  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowUp");
  await expect(filter).toBeFocused();
  await filter.fill("picker 007");
  await expect(picker(page).getByRole("checkbox")).toHaveCount(1);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Space");
  await page.keyboard.press("Enter");

  await expect(picker(page)).toBeHidden();
  await expect(page).toHaveURL((url) => url.searchParams.getAll("tenant").join() === "e2e-pick-007,e2e-pick-420,e2e-pick-421");
  // One navigation for the three ticks, and Enter did not submit the search form's fields away.
  expect(await historyLength(page)).toBe(before + 1);
  expect(new URL(page.url()).searchParams.get("service")).toBe("web-api");
  await expect(page.getByRole("button", { name: "Tenants: 3 tenants" })).toBeFocused();
});

test("Cancel discards, closing unchanged navigates nowhere, a click outside applies", async ({ page }) => {
  await signIn(page, demoLogin("admin"), "/traces?range=1h&tenant=e2e-pick-001&tenant=e2e-pick-002");
  const before = await historyLength(page);
  const trigger = page.getByRole("button", { name: /^Tenants:/ });

  await trigger.click();
  await expect(picker(page).getByRole("checkbox", { checked: true })).toHaveCount(2);
  await picker(page).getByRole("checkbox", { checked: true }).first().uncheck();
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(picker(page)).toBeHidden();
  expect(tenantsIn(page)).toEqual(["e2e-pick-001", "e2e-pick-002"]);

  await trigger.click();
  await page.keyboard.press("Escape");
  await expect(picker(page)).toBeHidden();
  expect(await historyLength(page)).toBe(before);

  await trigger.click();
  await page.getByRole("button", { name: "Clear" }).click();
  await page.getByRole("heading", { name: "Traces" }).click();
  await expect(picker(page)).toBeHidden();
  await expect(page).toHaveURL((url) => url.searchParams.getAll("tenant").length === 0);
  expect(await historyLength(page)).toBe(before + 1);
});

async function countDemoTenants(): Promise<number> {
  const sql = e2eDatabase();
  const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM tenants WHERE id NOT LIKE 'e2e-pick-%'`;
  await sql.end();
  return row!.n;
}
