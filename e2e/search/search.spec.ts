import { expect, test, type Page } from "@playwright/test";
import { createUser } from "../../lib/auth/testing/users";
import { e2eDatabase } from "../fixtures/db";
import { demoLogin, signIn } from "../fixtures/demo";

const hex = (uuid: string) => uuid.replace(/-/g, "");

// Next keeps pages a navigation left in the DOM, hidden: tests look at what is shown.

async function resultLinks(page: Page): Promise<string[]> {
  const links = page.getByTestId("trace-results").filter({ visible: true }).getByTestId("trace-link");
  await expect(links.first()).toBeVisible();
  return links.evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
}

/** A service that some erroneous traces touched, but not every trace does. */
async function erroneousService(): Promise<string> {
  const sql = e2eDatabase();
  try {
    const [row] = await sql<{ s: string }[]>`
      SELECT s FROM traces, unnest(services) s
      WHERE has_error AND start_time > now() - interval '7 days' AND s NOT IN ('edge-gateway', 'web-api')
      GROUP BY s ORDER BY count(*) DESC, s LIMIT 1`;
    return row!.s;
  } finally {
    await sql.end();
  }
}

test("filtering by service and errors lives in the URL: reload, shared link and back button show the same views", async ({ page, context }) => {
  const service = await erroneousService();
  await signIn(page, demoLogin("investigator"), "/traces?range=7d");
  const unfiltered = await resultLinks(page);

  await page.getByLabel("Service").filter({ visible: true }).fill(service);
  await page.getByLabel("Status").filter({ visible: true }).selectOption("error");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get("service") === service && url.searchParams.get("status") === "error" && url.searchParams.get("range") === "7d");

  const rows = page.getByTestId("trace-results").filter({ visible: true }).locator("tbody tr");
  await expect(rows.first()).toBeVisible();
  for (const text of await rows.locator("td:nth-child(7)").allTextContents()) expect(text.split(", ")).toContain(service);
  for (const text of await rows.locator("td:nth-child(6)").allTextContents()) expect(Number(text)).toBeGreaterThan(0);
  const filtered = await resultLinks(page);
  expect(filtered).not.toEqual(unfiltered);

  await page.reload();
  expect(await resultLinks(page)).toEqual(filtered);
  await expect(page.getByLabel("Service").filter({ visible: true })).toHaveValue(service);

  const shared = await context.newPage();
  await shared.goto(page.url());
  expect(await resultLinks(shared)).toEqual(filtered);
  await shared.close();

  await page.goBack();
  await expect(page).toHaveURL((url) => !url.searchParams.has("service") && !url.searchParams.has("status"));
  await expect(page.getByLabel("Service").filter({ visible: true })).toHaveCount(1);
  await expect(page.getByLabel("Service").filter({ visible: true })).toHaveValue("");
  // The restored view replaces the filtered one once its results are in.
  await expect.poll(() => resultLinks(page)).toEqual(unfiltered);

  await page.goForward();
  await expect(page.getByLabel("Status").filter({ visible: true })).toHaveCount(1);
  await expect(page.getByLabel("Status").filter({ visible: true })).toHaveValue("error");
  const first = filtered[0]!;
  await page.getByTestId("trace-link").filter({ visible: true }).first().click();
  await expect(page).toHaveURL((url) => `${url.pathname}${url.search}` === first);
  // Each result opens its own tenant's trace: one id can be a trace in several tenants.
  expect(first).toMatch(/^\/traces\/[0-9a-f]{32}\?tenant=[a-z0-9_.-]+$/);
});

test("a lookup by request id finds its trace", async ({ page }) => {
  const sql = e2eDatabase();
  const [trace] = await sql<{ trace_id: string; request_id: string; tenant_id: string }[]>`
    SELECT trace_id, request_id, tenant_id FROM traces WHERE request_id IS NOT NULL AND start_time > now() - interval '3 days'
    ORDER BY start_time LIMIT 1`;
  await sql.end();
  await signIn(page, demoLogin("investigator"));
  await page.getByLabel("Lookup by trace id, request id or job id").fill(trace!.request_id);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get("q") === trace!.request_id);
  await expect(page.getByTestId("trace-results").filter({ visible: true }).locator("tbody tr")).toHaveCount(1);
  expect(await resultLinks(page)).toEqual([`/traces/${hex(trace!.trace_id)}?tenant=${trace!.tenant_id}`]);
});

test("bad filters get a clear message on the page and a 400 from the API, never a 500", async ({ page }) => {
  await signIn(page, demoLogin("investigator"), `/traces?service=${encodeURIComponent("x' OR 1=1 --")}`);
  await expect(page.getByRole("alert").filter({ hasText: "service: must not contain quotes" })).toBeVisible();
  await page.goto(`/traces?q=${"a".repeat(10_000)}`);
  await expect(page.getByRole("alert").filter({ hasText: "q: must be at most 128 characters" })).toBeVisible();

  const bad: Record<string, string> = {
    service: "billing'; DROP TABLE traces; --",
    operation: "a".repeat(10_240),
    attr: "'; DROP TABLE x; --",
    minDuration: "1 OR 1=1",
    status: "error' --",
    q: "' UNION SELECT * FROM users --",
    tenant: "acme' OR '1'='1",
    sort: "start_time; DROP TABLE traces",
    cursor: "Zm9v",
    from: "2026-01-01T00:00:00Z'--",
  };
  for (const [key, value] of Object.entries(bad)) {
    const res = await page.request.get(`/api/traces?${new URLSearchParams({ [key]: value })}`);
    expect(res.status(), key).toBe(400);
    expect(((await res.json()) as { error: string }).error, key).toMatch(new RegExp(`^${key}`));
  }
  const auto = await page.request.get(`/api/autocomplete?field=service&prefix=${encodeURIComponent("x'--")}`);
  expect(auto.status()).toBe(400);
});

test("a tenant viewer of acme never gets globex traces by search, lookup or filter", async ({ page }) => {
  const sql = e2eDatabase();
  const user = { email: "acme-only-search@demo.test", password: "acme-only-password-1", role: "tenant_viewer" as const, tenants: ["acme"] };
  await createUser(sql, user);
  const [globex] = await sql<{ trace_id: string; request_id: string }[]>`
    SELECT trace_id, request_id FROM traces WHERE tenant_id = 'globex' AND request_id IS NOT NULL ORDER BY start_time DESC LIMIT 1`;
  await sql.end();
  await signIn(page, user);

  const all = await page.request.get("/api/traces?range=7d&limit=200");
  expect(all.status()).toBe(200);
  const { traces } = (await all.json()) as { traces: { tenantId: string }[] };
  expect(traces.length).toBeGreaterThan(0);
  expect(new Set(traces.map((t) => t.tenantId))).toEqual(new Set(["acme"]));

  for (const q of [globex!.request_id, hex(globex!.trace_id), globex!.trace_id]) {
    const res = await page.request.get(`/api/traces?q=${q}`);
    expect(res.status()).toBe(200);
    expect(((await res.json()) as { traces: unknown[] }).traces).toEqual([]);
  }
  expect((await page.request.get("/api/traces?tenant=globex")).status()).toBe(403);
  expect((await page.request.get("/api/autocomplete?field=service&tenant=globex")).status()).toBe(403);

  await page.goto(`/traces?q=${globex!.request_id}`);
  await expect(page.getByTestId("no-results")).toBeVisible();
  await page.getByRole("button", { name: /^Tenants:/ }).click();
  await expect(page.getByRole("group", { name: "Tenants" }).getByRole("checkbox")).toHaveCount(1);
});
