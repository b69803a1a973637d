import { expect, test } from "@playwright/test";
import { demoLogin, signIn } from "../fixtures/demo";

// Issue 21's journey: service map → a slow edge → its traces → the slowest against a typical
// one → the span that differs. The demo's search index got 15 times slower in its last day
// (scripts/demo/scenarios/showcase.ts), so the 24-hour map marks outbox-relay → search-service
// as risen whatever the seed and the weekday; the map's default window is that day.

const SLOW_EDGE = "e-outbox-relay--search-service";

test("service map → the edge whose p95 rose → its traces → the slowest against a typical one → the span that differs", async ({ page }) => {
  await signIn(page, demoLogin("investigator"), "/services");

  const row = page.locator(`[data-testid="edge-row"][data-edge="${SLOW_EDGE}"]`);
  await expect(row).toContainText("p95 rose");
  await page.getByTestId("service-graph").locator(`[data-testid="edge-label"][data-edge="${SLOW_EDGE}"]`).click();

  // The callee's traces of the map's window at least as long as the call's p95.
  await page.waitForURL(/\/traces\?/);
  const url = new URL(page.url());
  expect(url.searchParams.get("service")).toBe("search-service");
  expect(url.searchParams.get("minDuration")).toBeTruthy();
  const results = page.getByTestId("trace-results").filter({ visible: true });
  await results.getByRole("link", { name: "Duration" }).click();
  await expect(results.getByRole("columnheader", { name: /Duration/ })).toHaveAttribute("aria-sort", "descending");

  // The call's most common operation among them: its slowest trace and its middle one (the typical).
  const roots = await results.getByTestId("trace-link").allTextContents();
  const counts = new Map<string, number[]>();
  roots.forEach((root, i) => counts.set(root, [...(counts.get(root) ?? []), i]));
  const rows = [...counts.values()].sort((a, b) => b.length - a.length)[0]!;
  expect(rows.length).toBeGreaterThanOrEqual(2);
  const slowest = rows[0]!;
  const typical = rows[Math.max(1, Math.floor(rows.length / 2))]!;
  const picks = results.getByTestId("compare-pick");
  await picks.nth(slowest).check();
  await picks.nth(typical).check();
  await page.getByTestId("compare-picked").click();

  await page.waitForURL((u) => u.pathname === "/traces/compare");
  const tree = page.getByTestId("compare-tree");
  // The same operation on both sides: the roots pair, and B (the slower pick) took longer end to end.
  await expect(tree.getByRole("treeitem").first()).toHaveAttribute("data-change", /^(slower|faster|similar)$/);
  await expect(page.getByTestId("compare-total")).toContainText("+");

  await page.getByTestId("jump-biggest").click();
  const selected = tree.locator('[role="treeitem"][aria-selected="true"]');
  await expect(selected).toBeVisible();
  const change = (await selected.getAttribute("data-change"))!;
  expect(change).toMatch(/^(slower|faster|only-a|only-b)$/);
  // The span, in words and numbers: its duration in each trace and the difference.
  const status = page.getByTestId("compare-selected");
  await expect(status).toContainText(/A (—|\d[^·]*) · B (—|\d)/);
  const delta = (await selected.getByTestId("delta").textContent())!;
  await expect(page.getByTestId("selected-delta")).toHaveText(delta);
  if (change === "slower" || change === "faster") expect(delta).toMatch(change === "slower" ? /^\+.+\(\+\d+%\)$/ : /^−.+\(−\d+%\)$/);
});
