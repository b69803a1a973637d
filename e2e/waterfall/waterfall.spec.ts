import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { demoLogin, signIn } from "../fixtures/demo";
import { e2eDatabase, e2eDatabaseWithSealedSpans } from "../fixtures/db";

interface JobTrace {
  traceId: string;
  tenant: string;
  jobSpan: string;
  jobName: string;
  spanCount: number;
}

/** A demo trace of the viewer's tenant in which a request enqueued a job that ran. */
async function jobTrace(tenants: string[]): Promise<JobTrace> {
  const sql = await e2eDatabaseWithSealedSpans();
  try {
    const [row] = await sql<JobTrace[]>`
      SELECT replace(t.trace_id::text, '-', '') AS "traceId", t.tenant_id AS tenant,
             lpad(to_hex(s.span_id), 16, '0') AS "jobSpan", s.name AS "jobName", t.span_count AS "spanCount"
      FROM traces t JOIN spans s ON s.tenant_id = t.tenant_id AND s.trace_id = t.trace_id
      WHERE t.tenant_id = ANY(${tenants}) AND s.kind = 5 AND s.attributes ? 'job.id'
        AND t.start_time > now() - interval '5 days' AND t.span_count BETWEEN 20 AND 400
      ORDER BY t.span_count DESC LIMIT 1`;
    if (!row) throw new Error("no demo trace with a job");
    return row;
  } finally {
    await sql.end();
  }
}

const rows = (page: Page) => page.getByRole("treeitem");
const selectedRow = (page: Page) => page.locator('[role="treeitem"][aria-selected="true"]');

async function openTrace(page: Page, trace: JobTrace, query = "") {
  await page.goto(`/traces/${trace.traceId}${query}`);
  await expect(page.getByTestId("trace-root")).toBeVisible();
  await expect(page.getByTestId("waterfall")).toBeVisible();
}

test.describe("the waterfall", () => {
  let trace: JobTrace;

  test.beforeAll(async () => {
    trace = await jobTrace(demoLogin("tenant_viewer").tenants);
  });

  test.beforeEach(async ({ page }) => {
    await signIn(page, demoLogin("tenant_viewer"));
  });

  test("opens a trace with its header, collapses and expands the root", async ({ page }) => {
    await openTrace(page, trace);
    await expect(page.getByTestId("trace-facts")).toContainText(`Tenant${trace.tenant}`);
    await expect(page.getByTestId("trace-facts")).toContainText(`Spans${trace.spanCount}`);
    await expect(page.getByTestId("service-legend")).toContainText("Critical path by service, share of end-to-end latency:");
    const total = await rows(page).count();
    expect(total).toBeGreaterThan(5);
    const root = rows(page).first();
    await root.getByRole("button", { name: /^Collapse / }).click();
    await expect(rows(page)).toHaveCount(1);
    await expect(root).toHaveAttribute("aria-expanded", "false");
    await root.getByRole("button", { name: /^Expand / }).click();
    await expect(rows(page)).toHaveCount(total);
    await page.getByRole("button", { name: "Collapse all" }).click();
    await expect(rows(page)).toHaveCount(1);
    await page.getByRole("button", { name: "Expand all" }).click();
    await expect(rows(page)).toHaveCount(total);
  });

  test("selecting a span opens its details", async ({ page }) => {
    await openTrace(page, trace);
    await rows(page).nth(1).click();
    const detail = page.getByTestId("span-detail");
    await expect(detail.getByRole("heading", { name: "Attributes" })).toBeVisible();
    await expect(detail).toContainText("tenant.id");
    await expect(detail.getByRole("heading", { name: "Resource" })).toBeVisible();
    await expect(detail).toContainText("service.name");
    expect(new URL(page.url()).searchParams.get("span")).toMatch(/^[0-9a-f]{16}$/);
  });

  test("a deep link selects the span, scrolls to it, and a job shows the request that triggered it", async ({ page }) => {
    await openTrace(page, trace, `?span=${trace.jobSpan}`);
    const job = page.locator(`[data-span-id="${trace.jobSpan}"]`);
    await expect(job).toHaveAttribute("aria-selected", "true");
    await expect(job).toBeInViewport();
    const triggered = page.getByTestId("triggered-by");
    await expect(triggered).toContainText("Triggered by request");
    await triggered.getByRole("link").click();
    await expect(selectedRow(page)).not.toHaveAttribute("data-span-id", trace.jobSpan);
    const requestSpan = await selectedRow(page).getAttribute("data-span-id");
    expect(new URL(page.url()).searchParams.get("span")).toBe(requestSpan);
    // The request lists the job it triggered, and the link goes back to it.
    const work = page.getByTestId("triggered-work");
    await expect(work).toBeVisible();
    // The request may have triggered events too; the job is among its work, and leads back.
    await work.locator(`a[href$="span=${trace.jobSpan}"]`).click();
    await expect(selectedRow(page)).toHaveAttribute("data-span-id", trace.jobSpan);
    await expect(selectedRow(page)).toHaveAttribute("aria-label", /job-worker/);
  });

  test("find in trace highlights matches and steps through them", async ({ page }) => {
    await openTrace(page, trace);
    await page.getByRole("searchbox", { name: "Find in trace" }).fill("job-worker");
    const count = page.getByTestId("find-count");
    await expect(count).toHaveText(/^1 \/ \d+$/);
    const n = Number((await count.textContent())!.split("/")[1]);
    expect(await page.locator("[data-match]").count()).toBeGreaterThan(0);
    await page.getByRole("searchbox", { name: "Find in trace" }).press("Enter");
    await expect(count).toHaveText(n > 1 ? `2 / ${n}` : `1 / ${n}`);
    await expect(selectedRow(page)).toHaveAttribute("aria-label", /job-worker/);
    await expect(page.locator('[data-match="2"]')).toHaveAttribute("aria-label", /job-worker/);
    await page.getByRole("button", { name: "Previous match" }).click();
    await expect(count).toHaveText(`1 / ${n}`);
    // Attribute values are searched too (on the server).
    await page.getByRole("searchbox", { name: "Find in trace" }).fill(trace.jobName.replace(/^process /, ""));
    await expect(count).toHaveText(/^1 \/ \d+$/);
  });

  test("the keyboard moves, collapses, expands and opens details", async ({ page }) => {
    await openTrace(page, trace);
    await page.getByTestId("waterfall").focus();
    await page.keyboard.press("ArrowDown");
    await expect(selectedRow(page)).toHaveAttribute("aria-level", "1");
    await page.keyboard.press("ArrowDown");
    await expect(selectedRow(page)).toHaveAttribute("aria-level", "2");
    await page.keyboard.press("ArrowUp");
    await expect(selectedRow(page)).toHaveAttribute("aria-level", "1");
    await page.keyboard.press("ArrowLeft");
    await expect(rows(page)).toHaveCount(1);
    await page.keyboard.press("ArrowRight");
    await expect(rows(page).nth(1)).toBeVisible();
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("span-detail")).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("span-detail")).toBeHidden();
  });

  test("downloads the trace as OTLP JSON", async ({ page }) => {
    await openTrace(page, trace);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download OTLP JSON" }).click()]);
    const body = JSON.parse(fs.readFileSync((await download.path())!, "utf8")) as {
      resourceSpans: { scopeSpans: { spans: { traceId: string }[] }[] }[];
    };
    const spans = body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    expect(spans).toHaveLength(trace.spanCount);
    expect(spans.every((s) => s.traceId === trace.traceId)).toBe(true);
  });
});

test.describe("access to a trace", () => {
  test("another tenant's trace is simply not found for a tenant viewer, page and API", async ({ page }) => {
    const viewer = demoLogin("tenant_viewer");
    const sql = e2eDatabase();
    const [other] = await sql<{ traceId: string; tenant: string }[]>`
      SELECT replace(trace_id::text, '-', '') AS "traceId", tenant_id AS tenant FROM traces
      WHERE NOT tenant_id = ANY(${viewer.tenants}) ORDER BY start_time DESC LIMIT 1`;
    await signIn(page, viewer, `/traces/${other!.traceId}`);
    await expect(page.getByRole("heading", { name: "Trace not found" })).toBeVisible();
    for (const path of ["", "/spans", "/export"]) {
      const response = await page.request.get(`/api/traces/${other!.traceId}${path}`);
      expect(response.status()).toBe(404);
      expect(await response.json()).toEqual({ error: "trace not found" });
    }
    const [audit] = await sql`SELECT outcome, tenants, resource FROM audit_log WHERE action = 'trace.view' AND resource = ${other!.traceId} AND actor_email = ${viewer.email} ORDER BY seq DESC LIMIT 1`;
    await sql.end();
    // The viewer learns nothing, but auditors see the probe under the tenant it reached (issue 15 item 8).
    expect(audit).toMatchObject({ outcome: "denied", resource: other!.traceId, tenants: [other!.tenant] });
  });

  test("a malformed trace id gets a clear message and a 400", async ({ page }) => {
    await signIn(page, demoLogin("investigator"), "/traces/not-a-trace");
    await expect(page.getByRole("heading", { name: "Not a trace id" })).toBeVisible();
    const response = await page.request.get("/api/traces/not-a-trace/spans");
    expect(response.status()).toBe(400);
    expect(await response.json()).toEqual({ error: "traceId: not a trace id (32 hex digits)" });
  });

  test("one audit row with the trace's tenant per view, and one for the whole span stream", async ({ page }) => {
    const investigator = demoLogin("investigator");
    const sql = e2eDatabase();
    const [t] = await sql<{ traceId: string; tenant: string }[]>`
      SELECT replace(trace_id::text, '-', '') AS "traceId", tenant_id AS tenant FROM traces ORDER BY start_time DESC LIMIT 1`;
    const [{ before }] = (await sql`SELECT coalesce(max(seq), 0)::int AS before FROM audit_log`) as unknown as [{ before: number }];
    await signIn(page, investigator, `/traces/${t!.traceId}`);
    await expect(page.getByRole("treeitem").first()).toBeVisible();
    const views = await sql`
      SELECT tenants, outcome FROM audit_log WHERE seq > ${before} AND action = 'trace.view' AND resource = ${t!.traceId}`;
    const spanReads = await sql`
      SELECT tenants, outcome FROM audit_log WHERE seq > ${before} AND action = 'trace.spans' AND resource = ${t!.traceId}`;
    await sql.end();
    expect(views).toEqual([{ tenants: [t!.tenant], outcome: "allowed" }]);
    expect(spanReads).toEqual([{ tenants: [t!.tenant], outcome: "allowed" }]);
  });
});
