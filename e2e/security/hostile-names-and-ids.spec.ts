import { randomBytes } from "node:crypto";
import { expect, test, type APIRequestContext } from "@playwright/test";
import type { Sql } from "../../db/connect";
import { traceIdToUuid } from "../../db/span-codec/ids";
import { generateIngestKey, hashIngestKey } from "../../lib/ingest/otlp-http/key-material";
import { encodeRequest, requestOf, type SpanSpec } from "../../lib/ingest/testing/synthetic";
import { e2eDatabase } from "../fixtures/db";
import { demoLogin, signIn } from "../fixtures/demo";

// Issue 15: a trace id is no claim on another tenant's data (item 3), names cannot hide their
// text with bidi or zero-width characters, and a malformed path is not a 500 (item 10).

let sql: Sql;
const keys: Record<string, string> = {};

test.beforeAll(async () => {
  sql = e2eDatabase();
  for (const tenant of ["acme", "globex"]) {
    const key = generateIngestKey();
    await sql`INSERT INTO ingest_keys (name, prefix, key_hash, tenant_id) VALUES (${`e2e ${tenant} hostile`}, ${key.slice(0, 9)}, ${hashIngestKey(key)}, ${tenant})`;
    keys[tenant] = key;
  }
});
test.afterAll(async () => {
  await sql.end();
});

async function send(request: APIRequestContext, tenant: string, service: string, spans: SpanSpec[]) {
  const res = await request.post("/v1/traces", {
    headers: { "content-type": "application/x-protobuf", authorization: `Bearer ${keys[tenant]}` },
    data: Buffer.from(encodeRequest(requestOf([{ attributes: { "service.name": service }, spans }]))),
  });
  return { status: res.status(), body: (await res.body()).toString("hex") };
}

const now = () => BigInt(Date.now()) * 1_000_000n;

test("bidi overrides and zero-width characters in names show escaped, in a marked style", async ({ page }) => {
  const traceId = randomBytes(16);
  const hex = traceId.toString("hex");
  expect((await send(page.request, "globex", "svc\u202Eevil", [{ traceId, spanId: randomBytes(8), name: "pay\u200Bment", startNs: now() }])).status).toBe(200);

  await signIn(page, demoLogin("investigator"), `/traces/${hex}?tenant=globex`);
  const root = page.getByTestId("trace-root");
  await expect(root).toContainText("svc\\u202Eevil pay\\u200Bment");
  await expect(root.getByTestId("invisible-char")).toHaveText(["\\u202E", "\\u200B"]);
  expect(await root.textContent()).not.toMatch(/[\u200B\u202E]/);
  const row = page.getByRole("treeitem").first();
  await expect(row.getByTestId("invisible-char")).toHaveText(["\\u202E", "\\u200B"]);
  await expect(page.getByTestId("legend-service")).toContainText("svc\\u202Eevil");

  await page.goto(`/traces?q=${hex}`);
  const result = page.getByTestId("trace-results").filter({ visible: true }).locator("tbody tr");
  await expect(result).toHaveCount(1);
  await expect(result.getByTestId("invisible-char").first()).toHaveText("\\u202E");
});

test("bidi overrides and zero-width characters in log bodies and attributes show escaped, in the span's details and the logs panel", async ({ page }) => {
  const traceId = randomBytes(16);
  const hex = traceId.toString("hex");
  const spanId = randomBytes(8);
  expect((await send(page.request, "globex", "e2e-logs", [{ traceId, spanId, name: "GET /logged", startNs: now() }])).status).toBe(200);
  const record = {
    timeUnixNano: now().toString(),
    severityNumber: 17,
    body: { stringValue: "paid \u202Eevil\u200B" },
    traceId: hex,
    spanId: spanId.toString("hex"),
    attributes: [{ key: "note", value: { stringValue: "a\u202Eb" } }],
  };
  const logs = await page.request.post("/v1/logs", {
    headers: { "content-type": "application/json", authorization: `Bearer ${keys.globex}` },
    data: JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: "e2e-logs" } }] }, scopeLogs: [{ logRecords: [record] }] }] }),
  });
  expect(logs.status()).toBe(200);

  await signIn(page, demoLogin("investigator"), `/traces/${hex}?tenant=globex&span=${spanId.toString("hex")}`);
  const line = page.getByTestId("span-log-line");
  await expect(line.getByTestId("log-body")).toHaveText("paid \\u202Eevil\\u200B");
  await line.locator("summary").click();
  await expect(line.getByTestId("attribute-value")).toHaveText("a\\u202Eb");
  expect(await line.textContent()).not.toMatch(/[\u200B\u202E]/);
  await page.getByRole("button", { name: /^Logs/ }).click();
  const panelLine = page.getByTestId("logs-panel").getByTestId("log-line");
  await expect(panelLine.getByTestId("invisible-char")).toHaveText(["\\u202E", "\\u200B"]);
  expect(await panelLine.textContent()).not.toMatch(/[\u200B\u202E]/);
});

test("another tenant's span with a trace's id changes nothing for the owner, tells the sender nothing, and an investigator gets one trace per tenant", async ({ page }) => {
  const traceId = randomBytes(16);
  const hex = traceId.toString("hex");
  const root = randomBytes(8);
  expect((await send(page.request, "acme", "e2e-owner", [{ traceId, spanId: root, name: "GET /owned", startNs: now() }])).status).toBe(200);

  // The intruder's answer for acme's id is the answer for an id no one has.
  const probe = await send(page.request, "globex", "e2e-intruder", [{ traceId, spanId: randomBytes(8), name: "GET /intruder", startNs: now() }]);
  const fresh = await send(page.request, "globex", "e2e-intruder", [{ traceId: randomBytes(16), spanId: randomBytes(8), name: "GET /intruder", startNs: now() }]);
  expect(probe).toEqual(fresh);
  expect(probe.status).toBe(200);
  expect((await send(page.request, "acme", "e2e-owner", [{ traceId, spanId: randomBytes(8), parentSpanId: root, name: "later", startNs: now() }])).status).toBe(200);

  await signIn(page, demoLogin("investigator"), `/traces?q=${hex}`);
  const results = page.getByTestId("trace-results").filter({ visible: true });
  await expect(results.locator("tbody tr")).toHaveCount(2);
  const hrefs = await results.getByTestId("trace-link").evaluateAll((links) => links.map((a) => a.getAttribute("href")).sort());
  expect(hrefs).toEqual([`/traces/${hex}?tenant=acme`, `/traces/${hex}?tenant=globex`]);

  // Without ?tenant= the waterfall opens the first tenant's trace, whole and alone, and offers the other.
  await page.goto(`/traces/${hex}`);
  await expect(page.getByTestId("trace-root")).toContainText("GET /owned");
  await expect(page.getByRole("treeitem")).toHaveCount(2);
  await expect(page.getByText("e2e-intruder")).toHaveCount(0);
  await page.getByTestId("trace-other-tenants").getByRole("link", { name: "globex" }).click();
  await expect(page.getByTestId("trace-root")).toContainText("GET /intruder");
  await expect(page.getByRole("treeitem")).toHaveCount(1);

  // Admins see the collision; it names both tenants and the intruder's key.
  const [logged] = await sql`SELECT reason, claimed_tenant, owner_tenant, spans FROM ingest_isolation_violations WHERE trace_id = ${traceIdToUuid(hex)}::uuid`;
  expect(logged).toEqual({ reason: "shared_trace_id", claimed_tenant: "globex", owner_tenant: "acme", spans: 1 });
  await page.context().clearCookies();
  await signIn(page, demoLogin("admin"), "/admin/tenants");
  await expect(page.getByTestId("isolation-log")).toContainText(hex);
});

test("malformed percent-encoding in a path answers 404 or 400, never 500", async ({ page }) => {
  await signIn(page, demoLogin("investigator"));
  for (const path of ["/traces/%E0%A4%A", "/traces/%zz", "/api/traces/%zz", "/api/traces/%E0%A4%A/spans", "/api/traces/%zz/export"]) {
    const res = await page.request.get(path);
    expect([400, 404], path).toContain(res.status());
  }
});
