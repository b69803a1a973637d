import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { demoLogin, signIn } from "../fixtures/demo";
import { e2eDatabase } from "../fixtures/db";

const tenantCells = (page: Page) => page.getByTestId("trace-results").locator("tbody tr td:nth-child(2)");

async function tenantsShown(page: Page): Promise<string[]> {
  await expect(tenantCells(page).first()).toBeVisible();
  return [...new Set(await tenantCells(page).allTextContents())];
}

test("an admin creates a tenant viewer who sees only their tenant; a scope change and disabling bite on the viewer's next request", async ({ page, browser }) => {
  const email = `viewer-${randomBytes(4).toString("hex")}@demo.test`;
  const password = "viewer-password-123";

  await signIn(page, demoLogin("admin"), "/admin");
  await page.getByRole("link", { name: /^Users/ }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);

  const form = page.getByRole("form", { name: "Create user" });
  await form.getByLabel("E-mail").fill(email);
  await form.getByLabel("Name").fill("Vera Viewer");
  await form.getByLabel("Role").selectOption("tenant_viewer");
  await form.getByLabel(/^Acme Corporation/).check();
  await form.getByLabel("Password sign-in").check();
  await form.getByLabel("Initial password").fill(password);
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Created ${email}.` })).toBeVisible();
  const row = page.locator(`tr[data-email="${email}"]`);
  await expect(row).toContainText("Tenant viewer");
  await expect(row).toContainText("acme");

  // The new viewer, in a browser of their own.
  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await signIn(viewer, { email, password });
  expect(await tenantsShown(viewer)).toEqual(["acme"]);
  const denied = await viewer.goto("/admin/users");
  expect(denied?.status()).toBe(403);
  await expect(viewer.getByRole("heading", { name: "No access" })).toBeVisible();

  // The admin moves the viewer from acme to globex: the viewer's next page shows only globex.
  await row.getByText("Role and scope").click();
  const edit = page.getByRole("form", { name: `Edit ${email}` });
  await edit.getByLabel(/^Acme Corporation/).uncheck();
  await edit.getByLabel(/^Globex/).check();
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(row.locator("td").nth(2)).toHaveText("globex");
  await viewer.goto("/traces");
  expect(await tenantsShown(viewer)).toEqual(["globex"]);

  // Disabled: the viewer's next navigation ends at the login page.
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row).toContainText("Disabled");
  await viewer.goto("/traces");
  await expect(viewer).toHaveURL(/\/login/);
  await viewerContext.close();

  const sql = e2eDatabase();
  const rows = await sql<{ action: string; outcome: string; details: Record<string, unknown> }[]>`
    SELECT action, outcome, details FROM audit_log
    WHERE action LIKE 'admin.user.%' AND outcome = 'success' AND resource = (SELECT 'user:' || id FROM users WHERE email = ${email})
    ORDER BY seq`;
  await sql.end();
  expect(rows.map((r) => [r.action, r.details])).toEqual([
    ["admin.user.create", { old: null, new: { email, name: "Vera Viewer", role: "tenant_viewer", disabled: false, tenantIds: ["acme"], passwordSignIn: true } }],
    ["admin.user.update", { old: { role: "tenant_viewer", disabled: false, tenantIds: ["acme"] }, new: { role: "tenant_viewer", disabled: false, tenantIds: ["globex"] } }],
    ["admin.user.update", { old: { role: "tenant_viewer", disabled: false, tenantIds: ["globex"] }, new: { role: "tenant_viewer", disabled: true, tenantIds: ["globex"] } }],
  ]);
  expect(JSON.stringify(rows)).not.toContain(password);
});

test("bad input is refused with a message and creates nothing", async ({ page }) => {
  await signIn(page, demoLogin("admin"), "/admin/users");
  const form = page.getByRole("form", { name: "Create user" });
  await form.getByLabel("E-mail").fill("nobody-scoped@demo.test");
  await form.getByLabel("Name").fill("No Scope");
  await form.getByLabel("Role").selectOption("tenant_viewer");
  await form.getByLabel("Single sign-on only").check();
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(form.getByRole("alert")).toHaveText("A tenant viewer needs at least one tenant.");
  await expect(page.locator('tr[data-email="nobody-scoped@demo.test"]')).toHaveCount(0);
});

test("an admin's own row offers no way to demote or disable themselves", async ({ page }) => {
  const admin = demoLogin("admin");
  await signIn(page, admin, "/admin/users");
  const own = page.locator(`tr[data-email="${admin.email}"]`);
  await expect(own).toContainText("You cannot demote or disable yourself.");
  await expect(own.getByRole("button")).toHaveCount(0);
});

test("the admin index links every admin section; other roles get HTTP 403", async ({ page }) => {
  await signIn(page, demoLogin("admin"), "/admin");
  for (const name of ["Users", "Ingest keys", "Retention", "Tenants"]) {
    await expect(page.getByRole("link", { name: new RegExp(`^${name}`) })).toBeVisible();
  }
  await page.getByRole("link", { name: /^Tenants/ }).click();
  await expect(page.getByTestId("tenants-table")).toContainText("acme");

  await page.context().clearCookies();
  await signIn(page, demoLogin("investigator"));
  for (const path of ["/admin", "/admin/users", "/admin/ingest-keys", "/admin/tenants"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();
    await expect(page.getByTestId("user-menu")).toBeVisible();
  }
});
