import { expect, test, type Locator, type Page } from "@playwright/test";
import { demoLogin, signIn } from "../fixtures/demo";
import { e2eDatabaseWithSealedSpans } from "../fixtures/db";
import { waterfallSettled } from "../fixtures/traces";

interface Trace {
  traceId: string;
  tenant: string;
  requestId: string | null;
}

/** A demo trace of the viewer's tenants in which a request enqueued a job, or (`jobs` false) one without any job or event. */
async function demoTrace(tenants: string[], jobs: boolean): Promise<Trace> {
  const sql = await e2eDatabaseWithSealedSpans();
  try {
    const [row] = await sql<Trace[]>`
      SELECT replace(t.trace_id::text, '-', '') AS "traceId", t.tenant_id AS tenant, t.request_id AS "requestId"
      FROM traces t
      WHERE t.tenant_id = ANY(${tenants}) AND t.span_count BETWEEN 12 AND 400 AND t.request_id IS NOT NULL
        AND t.start_time > now() - interval '5 days'
        AND ${jobs ? sql`` : sql`NOT`} EXISTS (SELECT 1 FROM spans s WHERE s.tenant_id = t.tenant_id AND s.trace_id = t.trace_id
                                               AND s.kind = 5 AND (s.attributes ? 'job.id' OR s.attributes ? 'event.id'))
      ORDER BY t.span_count DESC LIMIT 1`;
    if (!row) throw new Error(`no demo trace ${jobs ? "with" : "without"} jobs`);
    return row;
  } finally {
    await sql.end();
  }
}

const box = async (l: Locator) => (await l.boundingBox())!;

async function openTrace(page: Page, trace: Trace, query = "") {
  await page.goto(`/traces/${trace.traceId}${query}`);
  // The drags below aim at boxes measured once: the layout must have stopped moving.
  await waterfallSettled(page);
}

test.describe("waterfall layout", () => {
  let trace: Trace;

  test.beforeAll(async () => {
    trace = await demoTrace(demoLogin("tenant_viewer").tenants, true);
  });

  test.beforeEach(async ({ page }) => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await signIn(page, demoLogin("tenant_viewer"));
  });

  test("every bar shows its duration inside the timeline, the root's too, and the ruler ends before the details", async ({ page }) => {
    // Without jobs the root runs from the trace's start to its end: its label can only go inside the bar.
    const synchronous = await demoTrace(demoLogin("tenant_viewer").tenants, false);
    for (const t of [synchronous, trace]) {
      await openTrace(page, t);
      await page.getByRole("treeitem").first().click();
      await expect(page.getByTestId("span-detail")).toBeVisible();
      const timeline = await box(page.getByTestId("time-ruler"));
      const root = page.getByRole("treeitem").first().getByTestId("duration-label");
      await expect(root).toHaveText(/\d/);
      if (t === synchronous) await expect(root).toHaveAttribute("data-place", "inside");
      const labels = page.getByTestId("duration-label");
      const n = await labels.count();
      expect(n).toBeGreaterThan(5);
      for (let i = 0; i < n; i++) {
        const b = await box(labels.nth(i));
        expect(b.x).toBeGreaterThanOrEqual(timeline.x - 1);
        expect(b.x + b.width).toBeLessThanOrEqual(timeline.x + timeline.width + 1);
      }
      const last = await box(page.getByTestId("ruler-tick").last());
      expect(last.x + last.width).toBeLessThanOrEqual(timeline.x + timeline.width + 0.5);
      expect(timeline.x + timeline.width).toBeLessThanOrEqual((await box(page.getByTestId("span-detail"))).x + 0.5);
    }
  });

  test("the splitters resize by drag and keyboard, and the widths are kept per user", async ({ page }) => {
    await openTrace(page, trace);
    const names = page.getByRole("separator", { name: "Resize the span names column" });
    await expect(names).toHaveAttribute("aria-valuenow", "380");
    const before = await box(page.getByTestId("time-ruler"));
    const handle = await box(names);
    await page.mouse.move(handle.x + handle.width / 2, handle.y + 200);
    await page.mouse.down();
    await page.mouse.move(handle.x + handle.width / 2 - 100, handle.y + 200, { steps: 5 });
    await page.mouse.up();
    await expect(names).toHaveAttribute("aria-valuenow", "280");
    expect((await box(page.getByTestId("time-ruler"))).x).toBeCloseTo(before.x - 100, 0);
    await names.focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await expect(names).toHaveAttribute("aria-valuenow", "312");

    await page.getByRole("treeitem").nth(1).click();
    const detail = page.getByTestId("span-detail");
    const detailWidth = (await box(detail)).width;
    const detailSplitter = page.getByRole("separator", { name: "Resize the span details panel" });
    await detailSplitter.focus();
    await page.keyboard.press("Shift+ArrowLeft");
    await expect.poll(async () => (await box(detail)).width).toBeCloseTo(detailWidth + 64, 0);

    await page.reload();
    await expect(page.getByRole("treeitem").first()).toBeVisible();
    await expect(names).toHaveAttribute("aria-valuenow", "312");
    await expect(detailSplitter).toHaveAttribute("aria-valuenow", String(420 + 64));

    // Another user in the same browser (same localStorage) starts from the defaults.
    await page.context().clearCookies();
    await signIn(page, demoLogin("investigator"));
    await openTrace(page, trace);
    await expect(names).toHaveAttribute("aria-valuenow", "380");
  });

  test("the rows stay where they are when the critical path arrives after them", async ({ page }) => {
    // The shares come from a worker once the rows are drawn; a legend that grew a line then
    // moved every row down under the pointer.
    await page.goto(`/traces/${trace.traceId}`);
    const first = page.getByRole("treeitem").first();
    await expect(first).toBeVisible();
    const before = await box(first);
    await waterfallSettled(page);
    expect((await box(first)).y).toBe(before.y);
  });

  test("the zoom is in the address, so a reload or a shared link opens zoomed", async ({ page }) => {
    await openTrace(page, trace);
    const ruler = await box(page.getByTestId("time-ruler"));
    const y = ruler.y + ruler.height / 2;
    await page.mouse.move(ruler.x + ruler.width * 0.2, y);
    await page.mouse.down();
    await page.mouse.move(ruler.x + ruler.width * 0.5, y, { steps: 5 });
    await page.mouse.up();
    await expect(page.getByRole("button", { name: "Reset zoom" })).toBeEnabled();
    await expect.poll(() => new URL(page.url()).searchParams.get("zoom")).toMatch(/^\d+-\d+$/);
    const zoom = new URL(page.url()).searchParams.get("zoom")!;
    const firstTick = await page.getByTestId("ruler-tick").first().textContent();

    await page.reload();
    await expect(page.getByRole("treeitem").first()).toBeVisible();
    await expect(page.getByRole("button", { name: "Reset zoom" })).toBeEnabled();
    await expect(page.getByTestId("ruler-tick").first()).toHaveText(firstTick!);
    expect(new URL(page.url()).searchParams.get("zoom")).toBe(zoom);

    await page.getByRole("button", { name: "Reset zoom" }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get("zoom")).toBeNull();
    // A zoom outside the trace is ignored: the whole trace shows.
    await openTrace(page, trace, "?zoom=999999999999999-9999999999999999");
    await expect(page.getByRole("button", { name: "Reset zoom" })).toBeDisabled();
  });
});

test.describe("sharing and following a trace", () => {
  test("copies the trace id and the link", async ({ page, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const trace = await demoTrace(demoLogin("tenant_viewer").tenants, true);
    await signIn(page, demoLogin("tenant_viewer"));
    await openTrace(page, trace);
    await page.getByRole("button", { name: "Copy trace id" }).click();
    await expect(page.getByTestId("trace-actions").getByRole("status")).toHaveText("Trace id copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(trace.traceId);
    await page.getByRole("treeitem").nth(1).click();
    await page.getByRole("button", { name: "Copy link" }).click();
    const link = new URL(await page.evaluate(() => navigator.clipboard.readText()));
    expect(link.pathname).toBe(`/traces/${trace.traceId}`);
    expect(link.searchParams.get("span")).toMatch(/^[0-9a-f]{16}$/);
  });

  test("a trace with jobs links to its lineage, one without has no such link", async ({ page }) => {
    const viewer = demoLogin("tenant_viewer");
    const withJobs = await demoTrace(viewer.tenants, true);
    const without = await demoTrace(viewer.tenants, false);
    await signIn(page, viewer);
    await openTrace(page, without);
    await expect(page.getByRole("link", { name: "Job lineage →" })).toHaveCount(0);
    await openTrace(page, withJobs);
    await page.getByRole("link", { name: "Job lineage →" }).click();
    await expect(page).toHaveURL(/\/investigate\?view=lineage/);
    const lineage = page.getByTestId("lineage");
    await expect(lineage.getByRole("region", { name: `Lineage in trace ${withJobs.traceId}` })).toBeVisible();
    await expect(lineage.getByTestId("origin-request")).toHaveText(withJobs.requestId!);
    expect(await lineage.locator('[data-testid="lineage-job"], [data-testid="lineage-event"]').count()).toBeGreaterThan(0);
  });
});
