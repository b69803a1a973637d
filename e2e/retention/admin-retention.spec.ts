import { expect, test, type Page } from "@playwright/test";
import { demoLogin, signIn } from "../fixtures/demo";
import { e2eDatabase } from "../fixtures/db";

const tenantForm = (page: Page, name: string) => page.getByRole("form", { name: `Retention of ${name}` });

test("an admin changes a tenant's retention, and the change is audited with old and new values", async ({ page }) => {
  const sql = e2eDatabase();
  const [before] = await sql<{ retention_days: number; kept_retention_days: number }[]>`
    SELECT retention_days, kept_retention_days FROM tenants WHERE id = 'wonka'`;
  // Longer retention: nothing another test reads disappears.
  const next = before!.retention_days + 1;

  await signIn(page, demoLogin("admin"), "/admin/retention");
  const form = tenantForm(page, "Wonka Industries");
  await form.getByLabel("Standard retention (days)").fill(String(next));
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("status")).toHaveText("Saved wonka.");

  await page.reload();
  await expect(tenantForm(page, "Wonka Industries").getByLabel("Standard retention (days)")).toHaveValue(String(next));
  const [audit] = await sql<{ outcome: string; actor_email: string; tenants: string[]; details: { old: { retentionDays: number }; new: { retentionDays: number } } }[]>`
    SELECT outcome, actor_email, tenants, details FROM audit_log
    WHERE action = 'admin.retention.update' AND resource = 'tenants/wonka' ORDER BY seq DESC LIMIT 1`;
  await sql.end();
  expect(audit).toMatchObject({ outcome: "allowed", actor_email: "admin@demo.test", tenants: ["wonka"] });
  expect(audit!.details.old.retentionDays).toBe(before!.retention_days);
  expect(audit!.details.new.retentionDays).toBe(next);
});

test("an out-of-range retention is refused with a message and changes nothing", async ({ page }) => {
  const sql = e2eDatabase();
  const read = async () => (await sql<{ retention_days: number }[]>`SELECT retention_days FROM tenants WHERE id = 'stark'`)[0]!.retention_days;
  const before = await read();

  await signIn(page, demoLogin("admin"), "/admin/retention");
  const form = tenantForm(page, "Stark Industries");
  await form.getByLabel("Standard retention (days)").fill("91");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("alert")).toHaveText("Standard retention must be between 1 and 90 days. Nothing was changed.");

  await form.getByLabel("Standard retention (days)").fill("30");
  await form.getByLabel("Kept-trace retention (days)").fill("20");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("alert")).toHaveText("Kept-trace retention cannot be shorter than the standard retention. Nothing was changed.");
  expect(await read()).toBe(before);
  await sql.end();
});

test("run now shows the run in the history", async ({ page }) => {
  await signIn(page, demoLogin("admin"), "/admin/retention");
  await page.getByRole("button", { name: "Run now" }).click();
  await expect(page.getByRole("status")).toContainText("Run completed:", { timeout: 60_000 });
  const runs = page.getByTestId("retention-runs");
  await expect(runs.getByRole("row").filter({ hasText: "admin:admin@demo.test" }).first()).toContainText("completed");
});

test("a user who is not an admin sees no access", async ({ page }) => {
  await signIn(page, demoLogin("investigator"), "/admin/retention");
  await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();
  await expect(page.getByTestId("retention-tenants")).toHaveCount(0);
});
