import { expect, test, type Page } from "@playwright/test";
import { uuidToTraceId } from "../../db/span-codec/ids";
import { demoLogin, signIn } from "../fixtures/demo";
import { e2eDatabase, e2eDatabaseWithSealedSpans } from "../fixtures/db";

// Each link names the trace's tenant: one id can be a trace in several tenants.
const TRACE_LINK = /^\/traces\/[0-9a-f]{32}\?tenant=[a-z0-9_.-]+(&span=[0-9a-f]{16})?$/;

async function hrefOf(page: Page, name: RegExp | string): Promise<string> {
  const href = await page.getByRole("link", { name }).first().getAttribute("href");
  return href ?? "";
}

test.describe("/investigate answers the ADR-012 questions", () => {
  test("from a failing job to the request that triggered it", async ({ page }) => {
    const sql = await e2eDatabaseWithSealedSpans();
    // A job whose attempt failed, in a trace that came from a web request; any job if none failed.
    const [job] = await sql<{ job_id: string; request_id: string; tenant_id: string }[]>`
      SELECT s.attributes->>'job.id' AS job_id, t.request_id, s.tenant_id
      FROM spans s JOIN traces t ON t.tenant_id = s.tenant_id AND t.trace_id = s.trace_id
      WHERE s.attributes ? 'job.attempt' AND t.request_id IS NOT NULL
      ORDER BY s.status_code = 2 DESC, s.start_time DESC LIMIT 1`;
    await sql.end();
    expect(job, "the demo data has jobs started by requests").toBeDefined();

    await signIn(page, demoLogin("investigator"), "/investigate?view=lineage&range=7d");
    await page.getByRole("textbox", { name: "Job, event or request id" }).fill(job!.job_id);
    await page.getByRole("button", { name: "Find" }).click();
    await expect(page).toHaveURL(new RegExp(`id=${job!.job_id}`));
    await expect(page.getByTestId("origin-request")).toHaveText(job!.request_id);
    await expect(page.getByText(`in tenant ${job!.tenant_id}`)).toBeVisible();
    expect(await hrefOf(page, `Open job ${job!.job_id} in its trace`)).toMatch(TRACE_LINK);

    // And back: the request shows the job among everything it triggered.
    await page.getByRole("textbox", { name: "Job, event or request id" }).fill(job!.request_id);
    await page.getByRole("button", { name: "Find" }).click();
    await expect(page.locator(`[data-testid="lineage-job"][data-id="${job!.job_id}"]`)).toBeVisible();
    await expect(page.getByTestId("lineage-request")).toHaveAttribute("data-id", job!.request_id);
  });

  test("from an error to the tenant that saw it", async ({ page }) => {
    const sql = await e2eDatabaseWithSealedSpans();
    const [error] = await sql<{ type: string; tenant_id: string; traces: number }[]>`
      SELECT e->'attributes'->>'exception.type' AS type, s.tenant_id, count(DISTINCT s.trace_id)::int AS traces
      FROM spans s, jsonb_array_elements(s.events) e
      WHERE s.status_code = 2 AND e->>'name' = 'exception' AND s.tenant_id IN ('acme', 'globex')
      GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 1`;
    await sql.end();
    expect(error).toBeDefined();

    await signIn(page, demoLogin("admin"), "/investigate?range=7d");
    await page.getByRole("textbox", { name: "Error contains" }).fill(error!.type);
    await page.getByRole("button", { name: "Apply" }).click();
    const section = page.getByRole("region", { name: `Errors of tenant ${error!.tenant_id}` });
    await expect(section).toBeVisible();
    await expect(section.getByTestId("error-group").filter({ hasText: error!.type }).first()).toBeVisible();
    expect(await section.getByRole("link").first().getAttribute("href")).toMatch(TRACE_LINK);
  });

  test("from a slow request to the service on its critical path", async ({ page }) => {
    const sql = e2eDatabase();
    const slow = await sql<{ trace_id: string; services: string[] }[]>`SELECT trace_id::text, services FROM traces WHERE is_slow`;
    await sql.end();
    expect(slow.length, "the demo data has slow requests").toBeGreaterThan(0);

    await signIn(page, demoLogin("investigator"), "/investigate?range=7d");
    await page.getByRole("link", { name: "Slow requests" }).click();
    await expect(page).toHaveURL(/view=slow/);
    const first = page.getByTestId("slow-request").first();
    const service = (await first.getByTestId("dominant-service").textContent()) ?? "";
    const href = (await first.getByRole("link").getAttribute("href")) ?? "";
    expect(href).toMatch(TRACE_LINK);
    const traceId = href.slice("/traces/".length, "/traces/".length + 32);
    const trace = slow.find((s) => uuidToTraceId(s.trace_id) === traceId);
    expect(trace, "the link opens one of the slow traces").toBeDefined();
    expect(trace!.services).toContain(service);
  });

  test("to a trace with a retry loop", async ({ page }) => {
    await signIn(page, demoLogin("investigator"), "/investigate?view=retries&range=7d");
    await page.getByRole("spinbutton", { name: /Ran more than/ }).fill("1");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/n=1/);
    const loop = page.getByTestId("retry-loop").first();
    await expect(loop).toBeVisible();
    await expect(loop.getByRole("img", { name: /attempts over/ })).toBeVisible();
    await expect(loop).toContainText(/succeeded after retries|failed|still retrying/);
    expect(await loop.getByRole("link").getAttribute("href")).toMatch(TRACE_LINK);
  });

  test("a tenant viewer finds nothing of other tenants, and bad input gets a clear message", async ({ page }) => {
    const sql = await e2eDatabaseWithSealedSpans();
    const viewer = demoLogin("tenant_viewer");
    const [other] = await sql<{ job_id: string }[]>`
      SELECT attributes->>'job.id' AS job_id FROM spans WHERE attributes ? 'job.id' AND NOT tenant_id = ANY(${viewer.tenants}) LIMIT 1`;
    const [{ before }] = (await sql`SELECT coalesce(max(seq), 0)::int AS before FROM audit_log`) as unknown as [{ before: number }];

    await signIn(page, viewer, `/investigate?view=lineage&range=7d&id=${other!.job_id}`);
    await expect(page.getByText(`Not found: no job, event or request with id ${other!.job_id}`)).toBeVisible();
    await page.goto("/investigate?range=7d");
    const tenants = await page.locator("section[data-tenant]").evaluateAll((els) => els.map((e) => e.getAttribute("data-tenant")));
    for (const t of tenants) expect(viewer.tenants).toContain(t);

    for (const [query, message] of [
      [`view=retries&n=0`, "n must be a whole number from 1 to 100"],
      [`view=lineage&id=${encodeURIComponent("'; DROP TABLE spans; --")}`, "an id is letters, digits"],
      [`view=lineage&id=${"x".repeat(10_000)}`, "an id is at most 128 characters"],
    ] as const) {
      const response = await page.goto(`/investigate?${query}`);
      expect(response?.status()).toBe(200);
      await expect(page.getByTestId("invalid-params")).toContainText(message);
    }
    const rows = await sql<{ action: string; outcome: string; tenants: string[] }[]>`
      SELECT action, outcome, tenants FROM audit_log WHERE seq > ${before} AND action LIKE 'investigate.%' ORDER BY seq`;
    await sql.end();
    expect(rows.map((r) => r.action)).toEqual(["investigate.lineage", "investigate.errors", "investigate.retries", "investigate.lineage", "investigate.lineage"]);
    for (const r of rows) expect(r.tenants.sort()).toEqual([...viewer.tenants].sort());
  });
});
