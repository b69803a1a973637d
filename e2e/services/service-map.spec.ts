import { expect, test } from "@playwright/test";
import { demoLogin, signIn } from "../fixtures/demo";

test("the service map draws the demo's services; an edge opens the search for the traces of that call", async ({ page }) => {
  await signIn(page, demoLogin("investigator"));
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Services" }).click();
  await expect(page.getByRole("heading", { name: "Services", exact: true })).toBeVisible();
  await page.goto("/services?range=7d");

  const graph = page.getByTestId("service-graph");
  await expect(graph.getByTestId("service-node").first()).toBeVisible();
  const rows = page.getByTestId("edge-row");
  await expect(rows.first()).toBeVisible();
  // The table lists risen calls first, then the slowest: the call to follow.
  const id = (await rows.first().getAttribute("data-edge"))!;
  const callee = decodeURIComponent(id.split("--")[1]!);

  await graph.locator(`[data-testid="edge-label"][data-edge="${id}"]`).click();
  await page.waitForURL(/\/traces\?/);
  const url = new URL(page.url());
  expect(url.searchParams.get("service")).toBe(callee);
  await expect(page.getByTestId("trace-results").locator("tbody tr").first()).toBeVisible();
});

test("on the service map, a service opens its latency view with the map's window", async ({ page }) => {
  await signIn(page, demoLogin("investigator"), "/services?range=7d");
  const node = page.getByTestId("service-graph").getByTestId("service-node").first();
  const service = (await node.getAttribute("data-service"))!;
  // The finder zooms to the service and its neighbours.
  const viewport = page.getByTestId("service-graph").locator(".react-flow__viewport");
  const before = await viewport.getAttribute("style");
  await page.getByTestId("service-finder").fill(service);
  await expect.poll(() => viewport.getAttribute("style")).not.toBe(before);
  await node.click();
  await page.waitForURL(/\/latency\?/);
  const url = new URL(page.url());
  expect(url.searchParams.get("service")).toBe(service);
  expect(url.searchParams.get("range")).toBe("7d");
  await expect(page.getByRole("heading", { name: "Latency", exact: true })).toBeVisible();
});
