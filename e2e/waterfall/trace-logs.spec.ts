import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import type { Sql } from "../../db/connect";
import { generateIngestKey, hashIngestKey } from "../../lib/ingest/otlp-http/key-material";
import { encodeRequest, requestOf } from "../../lib/ingest/testing/synthetic";
import { e2eDatabase } from "../fixtures/db";
import { demoLogin, signIn } from "../fixtures/demo";

// A trace with more log lines than one page: the lines load after the spans, in time order, a
// page at a time, and the panel's filters are applied by the server.

const LINES = 250;
let sql: Sql;
let key: string;

test.beforeAll(async () => {
  sql = e2eDatabase();
  key = generateIngestKey();
  await sql`INSERT INTO ingest_keys (name, prefix, key_hash, tenant_id) VALUES ('e2e trace logs', ${key.slice(0, 9)}, ${hashIngestKey(key)}, 'globex')`;
});
test.afterAll(async () => {
  await sql.end();
});

test("a large trace's logs load after its spans, page by time, and filter on the server", async ({ page }) => {
  const traceId = randomBytes(16);
  const spanId = randomBytes(8);
  const hex = traceId.toString("hex");
  const start = BigInt(Date.now() - 5_000) * 1_000_000n;
  const auth = { authorization: `Bearer ${key}` };
  const spans = requestOf([{ attributes: { "service.name": "e2e-chatty" }, spans: [{ traceId, spanId, name: "GET /chatty", startNs: start, durationNs: 1_000_000_000n }] }]);
  expect((await page.request.post("/v1/traces", { headers: { ...auth, "content-type": "application/x-protobuf" }, data: Buffer.from(encodeRequest(spans)) })).status()).toBe(200);
  // Line i at i ms into the span; every 50th at error and saying "stalled".
  const logRecords = Array.from({ length: LINES }, (_, i) => ({
    timeUnixNano: (start + BigInt(i) * 1_000_000n).toString(),
    severityNumber: i % 50 === 49 ? 17 : 9,
    body: { stringValue: i % 50 === 49 ? `line ${i}: queue stalled` : `line ${i}` },
    traceId: hex,
    spanId: spanId.toString("hex"),
  }));
  const body = JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: "e2e-chatty" } }] }, scopeLogs: [{ logRecords }] }] });
  expect((await page.request.post("/v1/logs", { headers: { ...auth, "content-type": "application/json" }, data: body })).status()).toBe(200);

  await signIn(page, demoLogin("investigator"));
  // The span stream, held back half a second: the first logs request must still come after it.
  const seen: { spansDone?: number; logsAsked?: number } = {};
  await page.route(`**/api/traces/${hex}/spans?*`, async (route) => {
    const response = await route.fetch();
    await new Promise((resolve) => setTimeout(resolve, 500));
    seen.spansDone = Date.now();
    await route.fulfill({ response });
  });
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === `/api/traces/${hex}/logs`) seen.logsAsked ??= Date.now();
  });
  await page.goto(`/traces/${hex}?tenant=globex`);
  const logsButton = page.getByRole("button", { name: /^Logs/ });
  await expect(logsButton).toHaveText("Logs (200+)");
  expect(seen.logsAsked).toBeGreaterThanOrEqual(seen.spansDone!);
  // The markers of the lines loaded so far sit on the span's bar.
  await expect(page.getByRole("treeitem").first().getByTestId("log-marker")).toHaveCount(200);

  await logsButton.click();
  const panel = page.getByTestId("logs-panel");
  const lines = panel.getByTestId("log-line");
  await expect(panel.getByTestId("logs-count")).toHaveText("200+ lines");
  await panel.getByRole("button", { name: "Load later lines" }).click();
  await expect(panel.getByTestId("logs-count")).toHaveText(`${LINES} lines`);
  await expect(panel.getByRole("button", { name: "Load later lines" })).toHaveCount(0);
  const bodies = await lines.getByTestId("log-body").allTextContents();
  expect(bodies).toEqual(logRecords.map((r) => r.body.stringValue));

  await panel.getByLabel("Lowest level").selectOption("error");
  await expect(panel.getByTestId("logs-count")).toHaveText(`${LINES / 50} lines matching`);
  await panel.getByRole("searchbox", { name: "Find in logs" }).fill("LINE 149:");
  await expect(lines.getByTestId("log-body")).toHaveText(["line 149: queue stalled"]);
});
