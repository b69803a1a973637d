import { expect, test } from "@playwright/test";
import { e2eDatabase } from "../fixtures/db";
import { demoLogin, signIn } from "../fixtures/demo";

// Issue 20 items 5 and 6: the logs page and GET /api/logs, and traces found by their logs.
// A tenant of its own, removed afterwards, so the lines are exactly these.

const TENANT = "e2e-logs";
const TRACE = "e2e10650-0000-4000-8000-000000000001";
const TRACE_HEX = TRACE.replace(/-/g, "");
const SPAN_HEX = "00000000000004d2"; // span 1234

test.beforeAll(async () => {
  const sql = e2eDatabase();
  try {
    await sql`INSERT INTO tenants (id, name, retention_days) VALUES (${TENANT}, 'Logs e2e', 14) ON CONFLICT (id) DO NOTHING`;
    await sql`SELECT ensure_log_partitions(current_date - 1, current_date + 1)`;
    await sql`
      INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, root_span_id, root_service, root_name,
                          span_count, error_count, services, has_error, attributes)
      VALUES (${TENANT}, ${TRACE}, now() - interval '5 minutes', now(), 5000000, 1234, 'ledger', 'POST /post-entry', 1, 1, ARRAY['ledger'], true, '{}'::jsonb)`;
    await sql`
      INSERT INTO log_records (tenant_id, time, record_id, severity_number, severity_text, body_type, body, resource_id, scope_id, trace_id, span_id)
      VALUES (${TENANT}, now() - interval '5 minutes', 1, 17, 'ERROR', 'string', to_jsonb('zebradeadlock on ledger rows'::text), 1, 1, ${TRACE}, 1234),
             (${TENANT}, now() - interval '4 minutes', 2, 9, 'INFO', 'string', to_jsonb('retry scheduled'::text), 1, 1, ${TRACE}, 1234),
             (${TENANT}, now() - interval '3 minutes', 3, 13, 'WARN', 'string', to_jsonb(${"user \u202Eevil\u202C said hi"}::text), 1, 1, NULL, NULL)`;
  } finally {
    await sql.end();
  }
});
test.afterAll(async () => {
  const sql = e2eDatabase();
  await sql`DELETE FROM log_records WHERE tenant_id = ${TENANT}`;
  await sql`DELETE FROM traces WHERE tenant_id = ${TENANT}`;
  await sql`DELETE FROM tenants WHERE id = ${TENANT}`;
  await sql.end();
});

// One sign-in for the whole journey: the spec stays under ten seconds.
test("logs: GET /api/logs pages each line once and audits bad input as denied; the page filters from the keyboard, escapes bidi text, opens a line's trace at its span; the search finds the trace by its log", async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await signIn(page, demoLogin("investigator"));

  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await page.request.get(`/api/logs?tenant=${TENANT}&range=1h&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
    expect(res.status()).toBe(200);
    const body = (await res.json()) as { lines: { body: string }[]; next: string | null };
    seen.push(...body.lines.map((l) => l.body));
    cursor = body.next;
  } while (cursor);
  expect(seen).toEqual(["user \u202Eevil\u202C said hi", "retry scheduled", "zebradeadlock on ledger rows"]);

  const bad = await page.request.get(`/api/logs?tenant=${TENANT}&level=loud`);
  expect(bad.status()).toBe(400);
  expect((await bad.json()) as unknown).toMatchObject({ error: expect.stringMatching(/level: must be one of/) });
  const sql = e2eDatabase();
  const rows = await sql`SELECT action, outcome, details FROM audit_log WHERE request_id = ${bad.headers()["x-request-id"]!}`;
  await sql.end();
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ action: "logs.search", outcome: "denied", details: { reason: "invalid-input" } });

  await page.goto(`/logs?tenant=${TENANT}`);
  await expect(page.getByRole("link", { name: "Logs", exact: true })).toHaveAttribute("aria-current", "page");
  const lines = page.getByTestId("log-line");
  await expect(lines).toHaveCount(3);
  await expect(lines.first().getByTestId("invisible-char")).toHaveCount(2);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);

  await page.getByLabel("Log text").focus();
  await page.keyboard.type("zebradeadlock");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/text=zebradeadlock/);
  await expect(lines).toHaveCount(1);
  await page.getByLabel("Log level").selectOption("error");
  await expect(page).toHaveURL(/level=error/);
  await expect(lines).toHaveCount(1);
  await page.getByTestId("log-trace-link").click();
  await expect(page).toHaveURL(new RegExp(`/traces/${TRACE_HEX}\\?tenant=${TENANT}&span=${SPAN_HEX}`));

  await page.goto(`/traces?tenant=${TENANT}&range=1h&logText=zebradeadlock&logLevel=error`);
  await expect(page.getByLabel("Logs contain")).toHaveValue("zebradeadlock");
  await expect(page.getByTestId("trace-results").filter({ visible: true }).getByTestId("trace-link")).toHaveCount(1);
});
