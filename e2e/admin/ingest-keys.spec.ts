import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { demoLogin, signIn } from "../fixtures/demo";
import { e2eDatabase } from "../fixtures/db";

function oneSpan(tenant: string) {
  const now = String(Date.now() * 1e6);
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "admin-e2e" } }, { key: "tenant.id", value: { stringValue: tenant } }] },
        scopeSpans: [{ spans: [{ traceId: randomBytes(16).toString("hex"), spanId: randomBytes(8).toString("hex"), name: "admin-e2e", startTimeUnixNano: now, endTimeUnixNano: now }] }],
      },
    ],
  };
}

test("an admin creates an ingest key that is shown once and works, then revokes it", async ({ page, request }) => {
  const name = `e2e key ${randomBytes(3).toString("hex")}`;
  await signIn(page, demoLogin("admin"), "/admin/ingest-keys");
  const form = page.getByRole("form", { name: "Create ingest key" });
  await form.getByLabel("Key name").fill(name);
  await form.getByLabel("Tenant").selectOption("globex");
  await form.getByRole("button", { name: "Create key" }).click();

  const shown = page.getByTestId("new-ingest-key");
  await expect(shown).toHaveText(/^te_[A-Za-z0-9_-]{43}$/);
  const key = (await shown.textContent())!;
  const row = page.locator(`tr[data-key-name="${name}"]`);
  await expect(row).toContainText(`${key.slice(0, 9)}…`);
  await expect(row).toContainText("globex");
  await expect(row).toContainText(demoLogin("admin").email);

  const send = () =>
    request.post("/v1/traces", { headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, data: oneSpan("globex") });
  const accepted = await send();
  expect(accepted.status()).toBe(200);
  expect(await accepted.json()).toEqual({});

  // Shown once: after a reload only the prefix is left anywhere on the page.
  await page.reload();
  await expect(row).toBeVisible();
  expect(await page.content()).not.toContain(key.slice(9));

  await row.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(row).toContainText("Revoked");
  // Ingest trusts a checked key for a few seconds (INGEST key cache), so wait for the refusal.
  await expect.poll(async () => (await send()).status(), { timeout: 15_000 }).toBe(403);

  const sql = e2eDatabase();
  const audit = await sql<{ action: string; details: Record<string, unknown> }[]>`
    SELECT action, details FROM audit_log WHERE action LIKE 'admin.key.%' AND outcome = 'success' AND details->'new'->>'name' = ${name} ORDER BY seq`;
  const leaked = await sql`SELECT 1 FROM audit_log WHERE details::text LIKE ${`%${key.slice(9)}%`}`;
  await sql.end();
  expect(audit.map((r) => r.action)).toEqual(["admin.key.create", "admin.key.revoke"]);
  expect(audit[0]!.details).toEqual({ old: null, new: { name, prefix: key.slice(0, 9), tenantId: "globex", platform: false } });
  expect(leaked).toHaveLength(0);
});
