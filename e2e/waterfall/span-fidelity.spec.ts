import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import type { Sql } from "../../db/connect";
import { generateIngestKey, hashIngestKey } from "../../lib/ingest/otlp-http/key-material";
import { demoLogin, signIn } from "../fixtures/demo";
import { e2eDatabase } from "../fixtures/db";

// What an SDK sent shows in the span detail as it was sent (issue 16, item 6): the parent id
// (and that it never arrived), every dropped count, value types, line breaks, truncation, the
// flags and the instrumentation scope.

let sql: Sql;
let key: string;
const viewer = () => demoLogin("tenant_viewer");

test.beforeAll(async () => {
  sql = e2eDatabase();
  key = generateIngestKey();
  await sql`INSERT INTO ingest_keys (name, prefix, key_hash, tenant_id) VALUES ('e2e fidelity', ${key.slice(0, 9)}, ${hashIngestKey(key)}, ${viewer().tenants[0]!})`;
});
test.afterAll(async () => {
  await sql.end();
});

test("the span detail shows the parent that never arrived, dropped counts, types, line breaks and truncation", async ({ page, request }) => {
  const traceId = randomBytes(16).toString("hex");
  const spanId = randomBytes(8).toString("hex");
  const missingParent = randomBytes(8).toString("hex");
  const start = BigInt(Date.now() - 60_000) * 1_000_000n + 123n;
  const stack = Array.from({ length: 300 }, (_, i) => `    at frame${i} (/srv/app.js:${i}:1)`).join("\n").padEnd(10_000, "!").slice(0, 10_000);
  const body = `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"fidelity-e2e"}}]},"scopeSpans":[{
    "scope":{"name":"io.opentelemetry.okhttp-3.0","version":"2.10.0-alpha","attributes":[{"key":"scope.kind","value":{"stringValue":"client"}}],"droppedAttributesCount":0},
    "schemaUrl":"https://opentelemetry.io/schemas/1.27.0","spans":[{
    "traceId":"${traceId}","spanId":"${spanId}","traceState":"rojo=00f067aa0ba902b7","flags":769,"parentSpanId":"${missingParent}","name":"orphan","kind":2,
    "startTimeUnixNano":${start},"endTimeUnixNano":${start + 5_000_000n},
    "attributes":[
      {"key":"big","value":{"intValue":9007199254740993}},
      {"key":"whole","value":{"doubleValue":3.0}},
      {"key":"raw","value":{"bytesValue":"aGk="}},
      {"key":"flipped","value":{"stringValue":"svc\u202Eevil"}},
      {"key":"exception.stacktrace","value":{"stringValue":${JSON.stringify(stack)}}}
    ],
    "droppedAttributesCount":4,
    "events":[{"timeUnixNano":"${start + 1000n}","name":"retry","attributes":[],"droppedAttributesCount":5}],
    "droppedEventsCount":2,"droppedLinksCount":1}]}]}]}`;
  const res = await request.post("/v1/traces", { headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, data: body });
  expect(res.status()).toBe(200);

  await signIn(page, viewer(), `/traces/${traceId}?span=${spanId}`);
  const detail = page.getByTestId("span-detail");
  await expect(detail.getByTestId("span-parent")).toHaveText(`${missingParent} (not received)`);
  await expect(detail.getByTestId("span-trace-state")).toHaveText("rojo=00f067aa0ba902b7");
  // Sampled, with a remote parent (bits 8 and 9), and the instrumentation scope as sent.
  await expect(detail.getByTestId("span-flags")).toHaveText("0x00000301 (sampled, remote parent)");
  const scope = detail.getByTestId("span-scope");
  await expect(scope).toContainText("io.opentelemetry.okhttp-3.0 2.10.0-alpha");
  await expect(scope).toContainText("scope.kind");
  await expect(scope).toContainText("schema https://opentelemetry.io/schemas/1.27.0");
  await expect(detail).toContainText(`.${String(start % 1_000_000_000n).padStart(9, "0")}`);
  const dropped = detail.getByTestId("dropped");
  await expect(dropped).toHaveText(["attributes dropped: 4", "events dropped: 2", "attributes dropped: 5", "links dropped: 1"]);

  const value = (k: string) => detail.locator("dt", { hasText: new RegExp(`^${k.replace(".", "\\.")}$`) }).locator("xpath=following-sibling::dd[1]");
  await expect(value("big").getByTestId("attribute-value")).toHaveText("9007199254740993");
  await expect(value("big").getByTestId("attribute-type")).toHaveText("int");
  await expect(value("whole").getByTestId("attribute-value")).toHaveText("3.0");
  await expect(value("whole").getByTestId("attribute-type")).toHaveText("double");
  await expect(value("raw").getByTestId("attribute-type")).toHaveText("bytes");
  // A bidi override in a value is shown escaped, so it cannot reorder the type label after it.
  await expect(value("flipped").getByTestId("attribute-value")).toHaveText("svc\\u202Eevil");
  await expect(value("flipped").getByTestId("invisible-char")).toHaveText("\\u202E");
  const trace = value("exception.stacktrace");
  await expect(trace.getByTestId("attribute-truncated")).toHaveText("truncated from 10,000 characters");
  // The lines are kept as lines, not run together.
  const shown = await trace.getByTestId("attribute-value").evaluate((el) => (el as HTMLElement).innerText);
  expect(shown.split("\n").length).toBeGreaterThan(50);
  const box = await trace.getByTestId("attribute-value").boundingBox();
  expect(box!.height).toBeGreaterThan(300);
});
