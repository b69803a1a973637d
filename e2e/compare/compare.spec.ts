import { expect, test } from "@playwright/test";
import { e2eDatabase } from "../fixtures/db";
import { demoLogin, signIn } from "../fixtures/demo";

// Issue 21's compare journey: two search results side by side as one tree, and a slow trace
// against a typical one of its operation, each down to the span that differs and by how much.

const sql = e2eDatabase();
test.afterAll(async () => {
  await sql.end();
});

/**
 * The root operation with the most traces in an hour of one tenant, and that hour's slowest.
 * The demo repeats some traces with the very same durations (its showcase), so only an
 * operation whose two slowest traces of the week differ by a fifth (the first journey picks those
 * two: when they were within a few per cent, as its showcase task updates can be, no span of the
 * pair differed by more than the 5 % that compare calls the same),
 * and an hour whose slowest has no twin of that duration within an hour of it (the second
 * journey's typical trace comes from there), compare as different.
 */
async function busyOperation() {
  const [row] = await sql<{ tenant: string; service: string; operation: string; slowest: string }[]>`
    WITH tops AS (
      SELECT tenant_id, root_service, root_name, (array_agg(duration_ns ORDER BY duration_ns DESC))[1:2] AS top
      FROM traces WHERE root_service IS NOT NULL AND root_name IS NOT NULL AND start_time > now() - interval '7 days'
      GROUP BY 1, 2, 3),
    hourly AS (
      SELECT tenant_id, root_service, root_name, date_trunc('hour', start_time) AS hour, count(*) AS n,
             (array_agg(trace_id ORDER BY duration_ns DESC))[1] AS slowest,
             max(duration_ns) AS slowest_ns
      FROM traces WHERE root_service IS NOT NULL AND root_name IS NOT NULL
      GROUP BY 1, 2, 3, 4)
    SELECT h.tenant_id AS tenant, h.root_service AS service, h.root_name AS operation, replace(h.slowest::text, '-', '') AS slowest
    FROM hourly h JOIN tops t USING (tenant_id, root_service, root_name)
    WHERE t.top[1] > t.top[2] * 1.2 AND h.n >= 2
      AND NOT EXISTS (
        SELECT 1 FROM traces o
        WHERE o.tenant_id = h.tenant_id AND o.root_service = h.root_service AND o.root_name = h.root_name
          AND o.duration_ns = h.slowest_ns AND o.trace_id <> h.slowest
          AND o.start_time >= h.hour - interval '1 hour' AND o.start_time < h.hour + interval '2 hours')
    ORDER BY h.n DESC, h.hour DESC LIMIT 1`;
  if (!row) throw new Error("no demo traces");
  return row;
}

test("search → tick two → compare: one aligned tree, and the span that differs with its delta", async ({ page }) => {
  const op = await busyOperation();
  await signIn(page, demoLogin("investigator"));
  const query = new URLSearchParams({ tenant: op.tenant, service: op.service, operation: op.operation, range: "7d", sort: "duration", dir: "desc" });
  await page.goto(`/traces?${query}`);
  const results = page.getByTestId("trace-results").filter({ visible: true });
  const picks = results.getByTestId("compare-pick");
  await expect(picks.nth(1)).toBeVisible();
  await expect(page.getByTestId("compare-picked")).toHaveCount(0);
  await picks.nth(0).check();
  await picks.nth(1).check();
  // Two at most: the third box is refused until one is cleared.
  if ((await picks.count()) > 2) await expect(picks.nth(2)).toBeDisabled();
  await page.getByTestId("compare-picked").click();

  await page.waitForURL((url) => url.pathname === "/traces/compare");
  const url = new URL(page.url());
  expect(url.searchParams.get("aTenant")).toBe(op.tenant);
  const tree = page.getByTestId("compare-tree");
  await expect(tree.getByRole("treeitem").first()).toBeVisible();
  // The slower pick is B: end to end B is slower than A.
  await expect(page.getByTestId("compare-total")).toContainText("+");
  // The roots are the same operation, so they pair.
  await expect(tree.getByRole("treeitem").first()).toHaveAttribute("data-change", /^(slower|faster|similar)$/);

  await page.getByTestId("jump-biggest").click();
  const selected = tree.locator('[role="treeitem"][aria-selected="true"]');
  await expect(selected).toBeVisible();
  const change = await selected.getAttribute("data-change");
  expect(change).toMatch(/^(slower|faster|only-a|only-b)$/);
  const delta = (await selected.getByTestId("delta").textContent())!;
  await expect(page.getByTestId("selected-delta")).toHaveText(delta);
  if (change === "slower" || change === "faster") expect(delta).toMatch(change === "slower" ? /^\+.+\(\+\d+%\)$/ : /^−.+\(−\d+%\)$/);
  // The label says it in words, not colour alone.
  await expect(selected.getByTestId("change-label")).toHaveText(/^(slower|faster|only A|only B)$/);

  // Collapsing the root hides everything under it; expanding brings it back.
  const rows = Number(await tree.getAttribute("data-rows"));
  await page.getByRole("button", { name: "Collapse all" }).click();
  await expect(tree).not.toHaveAttribute("data-rows", String(rows));
  await page.getByRole("button", { name: "Expand all" }).click();
  await expect(tree).toHaveAttribute("data-rows", String(rows));
});

test("trace page → compare with a typical trace: which one was picked and why, then the difference", async ({ page }) => {
  const op = await busyOperation();
  await signIn(page, demoLogin("investigator"), `/traces/${op.slowest}?tenant=${encodeURIComponent(op.tenant)}`);
  await page.getByTestId("compare-typical").click();

  await page.waitForURL((url) => url.pathname === "/traces/compare" && url.searchParams.get("a") === "typical");
  const note = page.getByTestId("typical-note");
  await expect(note).toContainText("A is the typical trace picked for B");
  await expect(note).toContainText("nearest their median");
  await expect(page.getByTestId("compare-trace-b")).toContainText(op.slowest);
  await expect(page.getByTestId("compare-trace-a")).not.toContainText(op.slowest);
  // The slowest trace of the hour against a typical one: B is slower.
  await expect(page.getByTestId("compare-total")).toContainText("+");
  const tree = page.getByTestId("compare-tree");
  await expect(tree.getByRole("treeitem").first()).toBeVisible();
  await page.getByTestId("jump-biggest").click();
  await expect(tree.locator('[role="treeitem"][aria-selected="true"]')).toBeVisible();
  await expect(page.getByTestId("selected-delta")).not.toHaveText("");
});

test("a bad or missing trace is listed, and another tenant's trace is not found", async ({ page }) => {
  const viewer = demoLogin("tenant_viewer");
  await signIn(page, viewer, "/traces/compare?a=nope");
  const invalid = page.getByTestId("invalid-params");
  await expect(invalid).toContainText("b: missing");
  await expect(invalid).toContainText("a: not a trace id");

  const [own] = await sql<{ id: string }[]>`
    SELECT replace(trace_id::text, '-', '') AS id FROM traces WHERE tenant_id = ${viewer.tenants[0]!} ORDER BY start_time DESC LIMIT 1`;
  const [other] = await sql<{ id: string }[]>`
    SELECT replace(trace_id::text, '-', '') AS id FROM traces WHERE tenant_id <> ALL(${viewer.tenants}) ORDER BY start_time DESC LIMIT 1`;
  const missing = "f".repeat(32);
  await page.goto(`/traces/compare?a=${other!.id}&b=${own!.id}`);
  const answer = page.getByRole("alert").filter({ hasText: "Trace not found" });
  const otherText = (await answer.textContent())!.replace(other!.id, "<id>");
  await page.goto(`/traces/compare?a=${missing}&b=${own!.id}`);
  const missingText = (await answer.textContent())!.replace(missing, "<id>");
  // Word for word the answer for a trace that does not exist.
  expect(otherText).toBe(missingText);
  expect(otherText).toContain("No trace <id> in your tenants");
});
