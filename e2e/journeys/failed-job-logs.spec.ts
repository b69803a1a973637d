import { expect, test } from "@playwright/test";
import { e2eDatabaseWithSealedSpans } from "../fixtures/db";
import { demoLogin, signIn } from "../fixtures/demo";

interface FailedJob {
  traceId: string;
  tenant: string;
  jobSpan: string;
  line: string;
}

/** A dead-lettered job of the demo data (scripts/demo/scenarios/showcase.ts) and the error it logged. */
async function failedJob(): Promise<FailedJob> {
  const sql = await e2eDatabaseWithSealedSpans();
  try {
    const [row] = await sql<FailedJob[]>`
      SELECT replace(t.trace_id::text, '-', '') AS "traceId", t.tenant_id AS tenant, lpad(to_hex(s.span_id), 16, '0') AS "jobSpan",
             l.body #>> '{}' AS line
      FROM traces t
      JOIN spans s ON s.tenant_id = t.tenant_id AND s.trace_id = t.trace_id
      JOIN log_records l ON l.tenant_id = s.tenant_id AND l.trace_id = s.trace_id AND l.span_id = s.span_id
      WHERE s.kind = 5 AND s.attributes ->> 'job.outcome' = 'dead_lettered' AND s.status_code = 2 AND l.severity_number >= 17
        AND t.start_time > now() - interval '5 days' AND t.span_count <= 400
      ORDER BY t.span_count, t.trace_id LIMIT 1`;
    if (!row) throw new Error("no dead-lettered job with its error logged in the demo data");
    return row;
  } finally {
    await sql.end();
  }
}

const selectedRow = (page: import("@playwright/test").Page) => page.locator('[role="treeitem"][aria-selected="true"]');

// Issue 20's journey: a failed job → its span → its error log line → the request that triggered
// the job, and back.
test("from a failed job's log line to its span, the request that enqueued it, and back", async ({ page }) => {
  const job = await failedJob();
  await signIn(page, demoLogin("investigator"), `/traces/${job.traceId}?tenant=${job.tenant}`);
  await expect(page.getByRole("treeitem").first()).toBeVisible();

  // The trace's logs, narrowed to the failure's level: the job's line is there, linked to its span.
  await page.getByRole("button", { name: /^Logs/ }).click();
  const panel = page.getByTestId("logs-panel");
  await panel.getByLabel("Lowest level").selectOption("error");
  const line = panel.getByTestId("log-line").filter({ hasText: job.line }).first();
  await expect(line).toHaveAttribute("data-span-id", job.jobSpan);
  await expect(line.getByTestId("log-level")).toHaveText("error");
  await line.getByRole("link").click();

  // Its span is selected and on screen, and its details list the line it logged.
  const jobRow = page.locator(`[data-span-id="${job.jobSpan}"][role="treeitem"]`);
  await expect(jobRow).toHaveAttribute("aria-selected", "true");
  await expect(jobRow).toBeInViewport();
  expect(new URL(page.url()).searchParams.get("span")).toBe(job.jobSpan);
  const detail = page.getByTestId("span-detail");
  await expect(detail.getByTestId("span-log-line").filter({ hasText: job.line })).toBeVisible();
  await expect(jobRow.locator(`[data-testid="log-marker"][data-level="error"]`).first()).toBeAttached();

  // The request that enqueued it…
  await detail.getByTestId("triggered-by").getByRole("link").click();
  await expect(selectedRow(page)).not.toHaveAttribute("data-span-id", job.jobSpan);
  await expect(selectedRow(page)).toHaveAttribute("aria-label", /.+/);
  // …and back: the request lists the job among the work it triggered.
  await page.getByTestId("triggered-work").locator(`a[href$="span=${job.jobSpan}"]`).click();
  await expect(selectedRow(page)).toHaveAttribute("data-span-id", job.jobSpan);
  await expect(detail.getByTestId("span-log-line").filter({ hasText: job.line })).toBeVisible();
});
