import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { demoLogin, signIn } from "../fixtures/demo";

// A tenant's service leaks secrets; the admin's tenants page shows which rules removed them,
// by rule name and count, and never a removed value.
test("the tenants page counts redactions per tenant and rule, without the values", async ({ page, request }) => {
  const mark = randomBytes(4).toString("hex");
  const leaks = { email: `leaky-${mark}@example.com`, password: `Pw-${mark}!`, field: `Hunter2-${mark}` };

  await signIn(page, demoLogin("admin"), "/admin/ingest-keys");
  const form = page.getByRole("form", { name: "Create ingest key" });
  await form.getByLabel("Key name").fill(`redaction e2e ${mark}`);
  await form.getByLabel("Tenant").selectOption("initech");
  await form.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-ingest-key").textContent())!;

  const now = String(Date.now() * 1e6);
  const attributes = [
    { key: "enduser.email", value: { stringValue: leaks.email } },
    { key: "db.password", value: { stringValue: leaks.password } },
    { key: "log.message", value: { stringValue: `retry with password: ${leaks.field}` } },
  ];
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "leaky-e2e" } }, { key: "tenant.id", value: { stringValue: "initech" } }] },
        scopeSpans: [{ spans: [{ traceId: randomBytes(16).toString("hex"), spanId: randomBytes(8).toString("hex"), name: "leaky", startTimeUnixNano: now, endTimeUnixNano: now, attributes }] }],
      },
    ],
  };
  const sent = await request.post("/v1/traces", { headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, data: body });
  expect(sent.status()).toBe(200);

  await page.goto("/admin/tenants");
  const cell = page.getByTestId("redactions-initech");
  for (const rule of ["email", "sensitive_key", "secret_field"]) await expect(cell).toContainText(new RegExp(`${rule} \\d`));
  const html = await page.content();
  for (const value of Object.values(leaks)) expect(html).not.toContain(value);
});
