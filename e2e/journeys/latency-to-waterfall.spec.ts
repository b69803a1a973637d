import { expect, test } from "@playwright/test";
import { openChartPoint } from "../fixtures/charts";
import { demoLogin, signIn } from "../fixtures/demo";

// The latency issue's journey: from a point on the percentile chart to a slow trace's waterfall
// in three clicks or fewer (the chart point, then a search result opens the waterfall).
test("from a latency spike to a slow trace's waterfall in three clicks", async ({ page }) => {
  await signIn(page, demoLogin("investigator"), "/latency?range=7d");
  const chart = page.getByTestId("percentile-chart");
  await expect(chart.locator(".recharts-line-curve").first()).toBeVisible();

  // Click 1: a point of the percentile chart.
  const minDuration = (await openChartPoint(page, chart)).searchParams.get("minDuration");
  expect(minDuration).toMatch(/^\d+(\.\d+)?(ms|s)$/);

  // Click 2: a trace of that window at or above the point's latency.
  const first = page.getByTestId("trace-results").getByTestId("trace-link").first();
  await expect(first).toBeVisible();
  const href = await first.getAttribute("href");
  await first.click();

  // It lands on the waterfall of that trace, interactive.
  await page.waitForURL((url) => url.pathname === href!.split("?")[0]);
  await expect(page.getByTestId("trace-root")).toBeVisible();
  await expect(page.getByTestId("waterfall")).toBeVisible();
  await expect(page.getByRole("treeitem").first()).toBeVisible();
});
