import { expect, test } from "@playwright/test";
import { demoLogin, signInWithForm } from "../fixtures/demo";
import { e2eDatabase } from "../fixtures/db";

test("viewing traces, a denied section and signing in each write one audit row", async ({ page }) => {
  const sql = e2eDatabase();
  const viewer = demoLogin("tenant_viewer");
  const [{ before }] = (await sql`SELECT coalesce(max(seq), 0)::int AS before FROM audit_log`) as unknown as [{ before: number }];

  await signInWithForm(page, viewer);
  await expect(page.getByTestId("trace-results")).toBeVisible();
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();

  const rows = await sql`
    SELECT action, outcome, tenants, actor_email, request_id FROM audit_log WHERE seq > ${before} ORDER BY seq`;
  await sql.end();
  const byAction = (action: string) => rows.filter((r) => r.action === action);
  expect(byAction("auth.sign_in")).toMatchObject([{ outcome: "success", actor_email: viewer.email }]);
  const searches = byAction("trace.search");
  expect(searches.length).toBeGreaterThanOrEqual(1);
  expect(searches[0]).toMatchObject({ outcome: "allowed", tenants: viewer.tenants });
  expect(searches[0]!.request_id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/);
  expect(byAction("admin.view")).toMatchObject([{ outcome: "denied", actor_email: viewer.email }]);
});
