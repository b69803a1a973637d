import { expect, test, type Page } from "@playwright/test";
import { demoLogin, signIn } from "../fixtures/demo";
import { e2eDatabase, e2eDatabaseWithSealedSpans } from "../fixtures/db";
import { waterfallSettled } from "../fixtures/traces";

interface BigTrace {
  traceId: string;
  tenant: string;
  spanCount: number;
  errorCount: number;
  /** Spans with an exception event. */
  exceptions: number;
  /** One of them, and its exception's message. */
  failedSpan: string;
  message: string;
}

/** The demo's showcase: a bulk import of ~3,000 spans with deadlocked inserts deep inside (scripts/demo/scenarios/showcase.ts). */
async function bigTraceWithErrors(tenants: string[]): Promise<BigTrace> {
  const sql = await e2eDatabaseWithSealedSpans();
  try {
    const [row] = await sql<BigTrace[]>`
      SELECT replace(t.trace_id::text, '-', '') AS "traceId", t.tenant_id AS tenant, t.span_count AS "spanCount", t.error_count AS "errorCount",
             (SELECT count(*)::int FROM spans s WHERE s.tenant_id = t.tenant_id AND s.trace_id = t.trace_id AND s.events @> '[{"name": "exception"}]') AS exceptions,
             (SELECT lpad(to_hex(s.span_id), 16, '0') FROM spans s WHERE s.tenant_id = t.tenant_id AND s.trace_id = t.trace_id
                AND s.events @> '[{"name": "exception"}]' ORDER BY s.start_time DESC LIMIT 1) AS "failedSpan",
             (SELECT e->'attributes'->>'exception.message' FROM spans s, jsonb_array_elements(s.events) e
              WHERE s.tenant_id = t.tenant_id AND s.trace_id = t.trace_id AND e->>'name' = 'exception' LIMIT 1) AS message
      FROM traces t
      WHERE t.tenant_id = ANY(${tenants}) AND t.root_name = 'POST /api/imports' AND t.span_count >= 2000 AND t.error_count > 3
      ORDER BY t.start_time DESC LIMIT 1`;
    if (!row) throw new Error("no big demo trace with errors (the showcase)");
    return row;
  } finally {
    await sql.end();
  }
}

const selectedRow = (page: Page) => page.locator('[role="treeitem"][aria-selected="true"]');
const findBox = (page: Page) => page.getByRole("searchbox", { name: "Find in trace" });

test.describe("errors in a big trace", () => {
  let trace: BigTrace;

  test.beforeAll(async () => {
    trace = await bigTraceWithErrors(demoLogin("tenant_viewer").tenants);
  });

  test.beforeEach(async ({ page }) => {
    await signIn(page, demoLogin("tenant_viewer"), `/traces/${trace.traceId}`);
    await waterfallSettled(page);
  });

  test("find matches exception events by name, attribute key and message, and the search is audited", async ({ page }) => {
    const count = page.getByTestId("find-count");
    // The failed inserts are deep down: not on screen before a search.
    await expect(page.locator(`[data-span-id="${trace.failedSpan}"]`)).toHaveCount(0);
    for (const text of ["exception", "exception.message", trace.message]) {
      await findBox(page).fill(text);
      await expect(count).toHaveText(`1 / ${trace.exceptions}`);
    }
    await findBox(page).press("Shift+Enter");
    await expect(count).toHaveText(`${trace.exceptions} / ${trace.exceptions}`);
    await expect(selectedRow(page)).toBeInViewport();
    await expect(selectedRow(page).getByTestId("error-marker")).toBeVisible();
    const sql = e2eDatabase();
    const audited = await sql`SELECT details->>'q' AS q FROM audit_log WHERE action = 'trace.find' AND resource = ${trace.traceId} ORDER BY seq`;
    await sql.end();
    expect(audited.map((r) => r.q)).toEqual(expect.arrayContaining(["exception", "exception.message", trace.message]));
  });

  test("`error` finds the spans with error status; errors only keeps exactly those", async ({ page }) => {
    const count = page.getByTestId("find-count");
    await findBox(page).fill("error");
    await expect(count).toHaveText(/^1 \/ \d+$/);
    expect(Number((await count.textContent())!.split("/")[1])).toBeGreaterThanOrEqual(trace.errorCount);
    await page.getByRole("checkbox", { name: "Errors only" }).check();
    await expect(count).toHaveText(`1 / ${trace.errorCount}`);
    // With nothing typed, errors only lists every error span.
    await findBox(page).fill("");
    await expect(count).toHaveText(`1 / ${trace.errorCount}`);
    await findBox(page).press("Enter");
    await expect(count).toHaveText(`2 / ${trace.errorCount}`);
    await expect(selectedRow(page).getByTestId("error-marker")).toBeVisible();
    // A name that no error span has: no match, although plain find would have some.
    await findBox(page).fill("import.chunk");
    await expect(count).toHaveText("no match");
  });

  test("next and previous error by keyboard (E, Shift+E) and by the buttons", async ({ page }) => {
    await expect(page.getByTestId("error-nav")).toContainText(`${trace.errorCount} errors`);
    await expect(page.getByRole("button", { name: "Next error →" })).toHaveAttribute("title", /E on the spans/);
    await page.getByTestId("waterfall").focus();
    await page.keyboard.press("e");
    const first = await selectedRow(page).getAttribute("data-span-id");
    await expect(selectedRow(page).getByTestId("error-marker")).toBeVisible();
    await expect(selectedRow(page)).toBeInViewport();
    await expect(page.getByTestId("span-status")).toContainText("error");
    expect(new URL(page.url()).searchParams.get("span")).toBe(first);
    await page.keyboard.press("e");
    await expect(selectedRow(page)).not.toHaveAttribute("data-span-id", first!);
    const second = await selectedRow(page).getAttribute("data-span-id");
    await expect(selectedRow(page).getByTestId("error-marker")).toBeVisible();
    await page.keyboard.press("Shift+E");
    await expect(selectedRow(page)).toHaveAttribute("data-span-id", first!);
    await page.getByRole("button", { name: "Next error →" }).click();
    await expect(selectedRow(page)).toHaveAttribute("data-span-id", second!);
    await page.getByRole("button", { name: "← Previous error" }).click();
    await expect(selectedRow(page)).toHaveAttribute("data-span-id", first!);
  });

  test("an event's details show on hover and on keyboard focus", async ({ page }) => {
    await page.goto(`/traces/${trace.traceId}?span=${trace.failedSpan}`);
    await waterfallSettled(page);
    const row = page.locator(`[data-span-id="${trace.failedSpan}"]`);
    await expect(row).toBeInViewport();
    const tick = row.getByTestId("event-tick").first();
    await tick.hover();
    const popover = page.getByTestId("event-popover");
    await expect(popover).toContainText("exception");
    await expect(popover).toContainText("into the span");
    await expect(popover).toContainText("exception.message");
    await expect(popover).toContainText(trace.message);
    await page.mouse.move(0, 0);
    await expect(popover).toBeHidden();
    await tick.focus();
    await expect(popover).toContainText(trace.message);
    await tick.evaluate((el) => (el as HTMLElement).blur());
    await expect(popover).toBeHidden();
  });
});
