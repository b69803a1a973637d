import { expect, test, type APIRequestContext } from "@playwright/test";
import { e2eDatabase } from "../fixtures/db";
import { demoLogin } from "../fixtures/demo";
import { requestAs } from "../matrix/who";

// Issue 15 item 8: "who accessed initech's data" must find every read of it, and a viewer's
// look-up of another tenant's trace id must show under that tenant, as a denied probe.

const sql = e2eDatabase();
let investigator: APIRequestContext;
let viewer: APIRequestContext;
let other: { tenant: string; traceId: string };

test.beforeAll(async ({ browser, baseURL }) => {
  const own = demoLogin("tenant_viewer").tenants;
  const [row] = await sql<{ tenant: string; trace_id: string }[]>`
    SELECT tenant_id AS tenant, replace(trace_id::text, '-', '') AS trace_id FROM traces
    WHERE tenant_id <> ALL(${own}) ORDER BY start_time DESC LIMIT 1`;
  other = { tenant: row!.tenant, traceId: row!.trace_id };
  investigator = await requestAs(browser, "investigator", baseURL!);
  viewer = await requestAs(browser, "tenant_viewer", baseURL!);
});

test.afterAll(async () => {
  await investigator.dispose();
  await viewer.dispose();
  await sql.end();
});

async function rowOf(response: { headers: () => Record<string, string> }) {
  const rows = await sql<{ action: string; outcome: string; tenants: string[]; details: Record<string, unknown> }[]>`
    SELECT action, outcome, tenants, details FROM audit_log WHERE request_id = ${response.headers()["x-request-id"]!}`;
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

test("a read without ?tenant= names the tenant whose trace was returned", async () => {
  const response = await investigator.get(`/api/traces/${other.traceId}`);
  expect(response.status()).toBe(200);
  expect(await rowOf(response)).toMatchObject({ action: "trace.view", outcome: "allowed", tenants: [other.tenant] });
});

test("a viewer's look-up of another tenant's trace id is a denied probe against that tenant, answered 404", async () => {
  for (const path of [`/api/traces/${other.traceId}`, `/api/traces/${other.traceId}/export`]) {
    const response = await viewer.get(path);
    expect(response.status(), path).toBe(404);
    expect(await response.json()).toEqual({ error: "trace not found" });
    expect(await rowOf(response), path).toMatchObject({ outcome: "denied", tenants: [other.tenant], details: { reason: "outside-scope", found: false } });
  }
});

test("a trace id nobody has is an allowed look-up that found nothing", async () => {
  const response = await viewer.get(`/api/traces/${"0".repeat(31)}1`);
  expect(response.status()).toBe(404);
  expect(await rowOf(response)).toMatchObject({ outcome: "allowed", tenants: demoLogin("tenant_viewer").tenants, details: { found: false } });
});

test("find-in-trace records its search text", async () => {
  const response = await investigator.get(`/api/traces/${other.traceId}/find?q=${encodeURIComponent("card 4111")}`);
  expect(response.status()).toBe(200);
  expect(await rowOf(response)).toMatchObject({ action: "trace.find", tenants: [other.tenant], details: { q: "card 4111" } });
});
