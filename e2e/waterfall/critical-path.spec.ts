import { expect, test } from "@playwright/test";
import { formatDuration } from "../../lib/format/duration";
import { demoLogin, signIn } from "../fixtures/demo";
import { e2eDatabaseWithSealedSpans } from "../fixtures/db";

interface JobTrace {
  traceId: string;
  tenant: string;
  requestNs: string;
  endToEndNs: string;
}

/** The demo's showcase (scripts/demo/scenarios/index.ts): a fast bulk-import request whose time is in its job. */
async function bulkImportTrace(): Promise<JobTrace> {
  const sql = await e2eDatabaseWithSealedSpans();
  try {
    const [row] = await sql<JobTrace[]>`
      SELECT replace(t.trace_id::text, '-', '') AS "traceId", t.tenant_id AS tenant,
             r.duration_ns::text AS "requestNs", t.duration_ns::text AS "endToEndNs"
      FROM spans j
      JOIN traces t ON t.tenant_id = j.tenant_id AND t.trace_id = j.trace_id
      JOIN spans r ON r.tenant_id = t.tenant_id AND r.trace_id = t.trace_id AND r.span_id = t.root_span_id
      WHERE j.name = 'process bulk-import' AND j.kind = 5
      ORDER BY t.start_time DESC LIMIT 1`;
    if (!row) throw new Error("the demo data has no bulk-import trace");
    return row;
  } finally {
    await sql.end();
  }
}

test("the critical path of a fast request whose time is in its job: the job's service leads, both latencies show", async ({ page }) => {
  const trace = await bulkImportTrace();
  // The request answered at once; the trace lasted seconds.
  expect(Number(trace.requestNs) * 10).toBeLessThan(Number(trace.endToEndNs));

  await signIn(page, demoLogin("investigator"), `/traces/${trace.traceId}?tenant=${trace.tenant}`);
  const facts = page.getByTestId("trace-facts");
  await expect(facts).toContainText(`End-to-end latency${formatDuration(BigInt(trace.endToEndNs))}`);
  await expect(facts).toContainText(`Request latency${formatDuration(Number(trace.requestNs))}`);

  const legend = page.getByTestId("service-legend");
  await expect(legend).toContainText("Critical path by service, share of end-to-end latency:");
  await expect(legend.getByTestId("legend-service").first()).toContainText("job-worker");
  await expect(legend.getByTestId("legend-queue-wait")).toContainText("queue wait");
  // The job's consumer row shows the wait before it started, on the path.
  await expect(page.getByTestId("queue-wait-segment").first()).toBeAttached();
});
