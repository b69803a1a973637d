import { expect, test } from "@playwright/test";
import { openChartPoint } from "../fixtures/charts";
import { demoLogin, signIn } from "../fixtures/demo";
import { e2eDatabase } from "../fixtures/db";

test("the latency view charts the demo traffic, and a chart point opens the trace search for its window and durations", async ({ page }) => {
  await signIn(page, demoLogin("investigator"), "/latency?range=7d");

  await expect(page.getByRole("heading", { name: "Latency", exact: true })).toBeVisible();
  await expect(page.getByTestId("latency-summary")).toContainText(/[1-9][\d,]* spans/);
  const chart = page.getByTestId("percentile-chart");
  await expect(chart.locator(".recharts-line-curve").first()).toBeVisible();
  await expect(page.getByTestId("throughput-chart").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(page.getByTestId("latency-histogram").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(page.getByTestId("latency-heatmap").getByRole("link").first()).toBeVisible();
  await expect(page.getByTestId("operations-table").locator("tbody tr").first()).toBeVisible();
  await expect(page.getByTestId("jobs-table").locator("tbody tr").first()).toBeVisible();

  const url = await openChartPoint(page, chart);
  const from = Date.parse(url.searchParams.get("from")!);
  const to = Date.parse(url.searchParams.get("to")!);
  expect(to - from).toBe(3 * 3_600_000);
  expect(url.searchParams.get("minDuration")).toMatch(/^\d+(\.\d+)?(ms|s)$/);
});

test("a heatmap cell narrows the search to its window and duration band", async ({ page }) => {
  await signIn(page, demoLogin("investigator"), "/latency?range=7d&step=1d");
  const cell = page.getByTestId("latency-heatmap").getByRole("link").first();
  await cell.click();
  await page.waitForURL(/\/traces\?/);
  const url = new URL(page.url());
  expect(url.searchParams.get("minDuration")).toMatch(/^\d+(\.\d+)?(ms|s)$/);
  expect(url.searchParams.get("maxDuration")).toMatch(/^\d+(\.\d+)?(ms|s)$/);
  expect(Date.parse(url.searchParams.get("to")!) - Date.parse(url.searchParams.get("from")!)).toBe(86_400_000);
});

test("a tenant viewer picks only their tenants, cannot chart another, and each view is audited", async ({ page }) => {
  const sql = e2eDatabase();
  const viewer = demoLogin("tenant_viewer");
  const [{ before }] = (await sql`SELECT coalesce(max(seq), 0)::int AS before FROM audit_log`) as unknown as [{ before: number }];
  await signIn(page, viewer, "/latency?range=7d&service=web-api");
  await page.getByRole("button", { name: /^Tenants:/ }).click();
  const offered = await page.getByRole("group", { name: "Tenants" }).getByRole("checkbox").count();
  expect(offered).toBe(viewer.tenants.length);

  await page.goto("/latency?tenant=initech");
  await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();

  const rows = await sql`SELECT action, outcome, tenants, details FROM audit_log WHERE seq > ${before} AND action = 'latency.query' ORDER BY seq`;
  await sql.end();
  expect(rows).toHaveLength(2);
  expect(rows[0]).toMatchObject({ outcome: "allowed", tenants: viewer.tenants, details: { service: "web-api" } });
  expect(rows[1]).toMatchObject({ outcome: "denied", tenants: ["initech"] });
});
