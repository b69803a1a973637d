import { expect, test } from "@playwright/test";
import { demoLogin, signIn } from "../fixtures/demo";

test("the heatmap labels its axes with short durations and times, and keeps every band between fastest and slowest", async ({ page }) => {
  await signIn(page, demoLogin("investigator"), "/latency?range=7d");
  const heatmap = page.getByTestId("latency-heatmap");
  const latencyLabels = await heatmap.getByTestId("heatmap-latency-axis").locator("div").allInnerTexts();
  expect(latencyLabels.length).toBeGreaterThan(3);
  for (const label of latencyLabels) expect(label).toMatch(/^\d{1,3}(\.\d)? (ns|µs|ms|s|min)$/);
  // Even bands: each row starts about twice as high as the one below it, none skipped.
  const ns = latencyLabels.map((l) => {
    const [n, unit] = l.split(" ");
    return Number(n) * { ns: 1, µs: 1e3, ms: 1e6, s: 1e9, min: 60e9 }[unit as "ns"];
  });
  for (let i = 1; i < ns.length; i++) expect(ns[i - 1]! / ns[i]!).toBeGreaterThan(1.6);
  for (let i = 1; i < ns.length; i++) expect(ns[i - 1]! / ns[i]!).toBeLessThan(2.5);
  const times = await heatmap.getByTestId("heatmap-time-axis").locator("div").allInnerTexts();
  expect(times.length).toBeGreaterThanOrEqual(3);
  for (const t of times) expect(t).toMatch(/^\d{2}-\d{2} \d{2}:\d{2}$/);
});

test("an unknown service stays chosen with a note, and the jobs table follows the service filter", async ({ page }) => {
  await signIn(page, demoLogin("investigator"), "/latency?range=7d&service=no-such-service");
  const service = page.locator("#latency-service");
  await expect(service).toHaveValue("no-such-service");
  await expect(service.locator("option:checked")).toHaveText("no-such-service (no spans here)");
  await expect(page.getByTestId("unseen-service")).toContainText("No spans of service “no-such-service”");
  await expect(page.getByTestId("latency-summary")).toContainText("0 spans");
  await expect(page.getByTestId("jobs-table")).toContainText("No job runs of this service in this window.");

  await page.goto("/latency?range=7d");
  await expect(page.getByTestId("jobs-table").locator("tbody tr").first()).toBeVisible();
  await page.goto("/latency?range=7d&service=web-api");
  await expect(page.getByTestId("latency-summary")).toContainText(/[1-9][\d,]* spans/);
  await expect(page.getByTestId("jobs-table").locator("tbody tr")).toHaveCount(0);
  await page.goto("/latency?range=7d&service=job-worker");
  await expect(page.getByRole("heading", { name: "Jobs run by job-worker" })).toBeVisible();
  await expect(page.getByTestId("jobs-table").locator("tbody tr").first()).toBeVisible();
});
