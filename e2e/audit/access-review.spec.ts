import fs from "node:fs";
import { randomBytes } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { demoLogin, signIn } from "../fixtures/demo";
import { createUser } from "../../lib/auth/testing/users";
import { e2eDatabase } from "../fixtures/db";

async function signedIn(browser: Browser, login: { email: string; password: string }): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, login);
  return page;
}

test("an auditor asks who accessed a tenant's data and finds the viewer's trace search", async ({ browser }) => {
  const viewer = demoLogin("tenant_viewer");
  const tenant = viewer.tenants[0]!;
  const viewerPage = await signedIn(browser, viewer);
  await expect(viewerPage.getByTestId("trace-results")).toBeVisible();

  const page = await signedIn(browser, demoLogin("auditor"));
  await page.goto("/audit");
  await page.getByLabel("Tenant to review").selectOption(tenant);
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(new RegExp(`tenant=${tenant}.*data=trace|data=trace.*tenant=${tenant}`));

  const search = page.getByTestId("audit-rows").locator("tbody tr").filter({ hasText: viewer.email }).filter({ hasText: "trace.search" }).first();
  await expect(search).toBeVisible();
  await expect(search).toContainText("allowed");
  await expect(search).toContainText(tenant);
  await expect(page.getByTestId("audit-rows")).not.toContainText("admin.view");

  const summary = page.getByTestId("access-summary").locator(`tr[data-user="${viewer.email}"]`);
  await expect(summary).toContainText("tenant_viewer");
  await expect(summary.getByTestId("trace-accesses")).not.toHaveText("0");
});

test("the CSV export holds the filtered rows and is itself audited; the chain checks out", async ({ page }) => {
  const sql = e2eDatabase();
  const auditor = demoLogin("auditor");
  const viewer = demoLogin("tenant_viewer");
  const tenant = viewer.tenants[0]!;
  await signIn(page, auditor, `/audit?tenant=${tenant}&data=trace`);
  await expect(page.getByTestId("audit-rows")).toBeVisible();

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
  expect(download.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
  const csv = fs.readFileSync((await download.path())!, "utf8");
  const lines = csv.trimEnd().split("\r\n");
  expect(lines[0]).toBe("seq,at_utc,actor_id,actor_email,role,action,resource,tenants,outcome,ip,user_agent,request_id,trace_id,details");
  expect(lines.some((l) => l.includes(viewer.email) && l.includes("trace.search"))).toBe(true);
  expect(lines.slice(1).every((l) => /^trace\.|,trace\.|,latency\.|,investigate\./.test(l))).toBe(true);

  await expect
    .poll(async () => {
      const rows = await sql`SELECT details FROM audit_log WHERE action = 'audit.export' AND actor_email = ${auditor.email} AND outcome = 'allowed' ORDER BY seq DESC LIMIT 1`;
      return rows[0]?.details?.filters;
    })
    .toMatchObject({ tenant: [tenant], data: "trace" });

  await page.getByRole("button", { name: "Verify audit chain" }).click();
  await expect(page.getByTestId("chain-status")).toContainText(/Intact: [\d,]+ rows checked/);
  const [verify] = await sql`SELECT outcome FROM audit_log WHERE action = 'audit.verify' AND actor_email = ${auditor.email} ORDER BY seq DESC LIMIT 1`;
  expect(verify).toEqual({ outcome: "allowed" });
  await sql.end();
});

test("an auditor marks one user kept and revokes a tenant viewer, who is disabled at once", async ({ browser, page }) => {
  const sql = e2eDatabase();
  const suffix = randomBytes(4).toString("hex");
  const kept = { email: `kept-${suffix}@demo.test`, password: `pw-${suffix}-kept`, role: "investigator" as const };
  const revoked = { email: `revoked-${suffix}@demo.test`, password: `pw-${suffix}-revoked`, role: "tenant_viewer" as const, tenants: demoLogin("tenant_viewer").tenants };
  await createUser(sql, kept);
  await createUser(sql, revoked);
  const revokedPage = await signedIn(browser, revoked);

  const auditor = demoLogin("auditor");
  await signIn(page, auditor, "/audit");
  await expect(page.locator(`tr[data-subject="${auditor.email}"]`)).toContainText("Another reviewer must review you.");

  const keptRow = page.locator(`tr[data-subject="${kept.email}"]`);
  await expect(keptRow).toContainText("Due");
  await keptRow.getByLabel("Note").fill("on call this quarter");
  await keptRow.getByRole("button", { name: "Mark reviewed" }).click();
  await expect(keptRow.getByRole("status")).toContainText(/Kept for \d{4}-Q[1-4]/);
  await expect(keptRow).toContainText(`keep by ${auditor.email}`);
  await expect(keptRow).toContainText("Reviewed");

  const revokedRow = page.locator(`tr[data-subject="${revoked.email}"]`);
  await revokedRow.getByLabel("Decision").selectOption("revoke");
  await revokedRow.getByLabel("Note").fill("left the team");
  await revokedRow.getByRole("button", { name: "Mark reviewed" }).click();
  await expect(page.locator(`tr[data-subject="${revoked.email}"]`)).toHaveCount(0);

  const [user] = await sql`SELECT disabled FROM users WHERE email = ${revoked.email}`;
  expect(user!.disabled).toBe(true);
  // Each attempt: the gate's row, then exactly one outcome row.
  const audits = await sql`
    SELECT action, outcome, details FROM audit_log
    WHERE actor_email = ${auditor.email} AND action IN ('audit.review', 'admin.user.disable') ORDER BY seq DESC LIMIT 4`;
  expect(audits.map((a) => `${a.action} ${a.outcome}`)).toEqual(["admin.user.disable success", "audit.review allowed", "audit.review success", "audit.review allowed"]);
  expect(audits[0]!.details).toMatchObject({ user: revoked.email, old: { disabled: false }, new: { disabled: true } });
  expect(audits[1]!.details).toMatchObject({ decision: "revoke", noteLength: "left the team".length });
  expect(JSON.stringify(audits)).not.toContain("left the team");

  // The revoked user's next request finds no session user.
  await revokedPage.goto("/traces");
  await expect(revokedPage).toHaveURL(/\/login/);
  await sql.end();
});

test("an auditor's revoke of an investigator waits until an admin confirms it", async ({ browser, page }) => {
  const sql = e2eDatabase();
  const suffix = randomBytes(4).toString("hex");
  const subject = { email: `pending-${suffix}@demo.test`, password: `pw-${suffix}-pending`, role: "investigator" as const };
  await createUser(sql, subject);

  await signIn(page, demoLogin("auditor"), "/audit");
  const row = page.locator(`tr[data-subject="${subject.email}"]`);
  await row.getByLabel("Decision").selectOption("revoke");
  await row.getByRole("button", { name: "Mark reviewed" }).click();
  await expect(row.getByRole("status")).toContainText("an admin must confirm it");
  const [before] = await sql`SELECT disabled FROM users WHERE email = ${subject.email}`;
  expect(before!.disabled).toBe(false);
  await expect(page.locator(`tr[data-pending="${subject.email}"]`)).toContainText("Waiting for an admin.");

  const admin = await signedIn(browser, demoLogin("admin"));
  await admin.goto("/audit");
  const pending = admin.locator(`tr[data-pending="${subject.email}"]`);
  await pending.getByRole("button", { name: "Confirm" }).click();
  await expect(pending).toHaveCount(0);
  const [after] = await sql`SELECT disabled FROM users WHERE email = ${subject.email}`;
  expect(after!.disabled).toBe(true);
  await sql.end();
});

test("a tenant viewer gets no access to the audit log, its export or its checks", async ({ page }) => {
  const sql = e2eDatabase();
  const viewer = demoLogin("tenant_viewer");
  await signIn(page, viewer, "/audit");
  await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();
  await expect(page.getByTestId("audit-rows")).toHaveCount(0);
  const exported = await page.request.get("/api/audit/export?range=7d");
  expect(exported.status()).toBe(403);
  const rows = await sql`
    SELECT action, outcome FROM audit_log WHERE actor_email = ${viewer.email} AND action IN ('audit.view', 'audit.export') ORDER BY seq DESC LIMIT 2`;
  expect(rows).toEqual([
    { action: "audit.export", outcome: "denied" },
    { action: "audit.view", outcome: "denied" },
  ]);
  await sql.end();
});

test("bad filters get a clear message, not an error page", async ({ page }) => {
  await signIn(page, demoLogin("auditor"));
  const problem = page.getByTestId("invalid-params");
  // Two bad parameters: both are reported, with the valid choices, and the log shows the rest.
  await page.goto(`/audit?role=root&user=${"x".repeat(10_000)}`);
  await expect(problem).toContainText("user: at most 254 characters");
  await expect(problem).toContainText("role: one of admin, investigator, tenant_viewer, auditor");
  await expect(page.getByTestId("audit-rows")).toBeVisible();
  await page.goto("/audit?from=yesterday&to=today");
  await expect(problem).toContainText("from:");
  await expect(problem).toContainText("to:");
  await page.goto(`/audit?tenant=${encodeURIComponent("acme' OR 1=1 --")}`);
  await expect(problem).toContainText("tenant.0: A tenant id is");
  await expect(page.getByTestId("review-list")).toBeVisible();
  await problem.getByRole("link", { name: "Remove the invalid parameters" }).click();
  await expect(problem).toHaveCount(0);
  expect(new URL(page.url()).search).toBe("");
  const response = await page.request.get("/api/audit/export?outcome=maybe");
  expect(response.status()).toBe(400);
  expect(await response.json()).toEqual({ error: "outcome: one of allowed, denied, success, failure" });
});
