import { expect, test } from "@playwright/test";
import { e2eDatabase } from "../fixtures/db";
import { demoLogin, signIn } from "../fixtures/demo";

// Issue 18 item 3: the scatter plots every match of the window, not the table's page of 50.
// A tenant of its own, removed afterwards, so the counts are exact and no other spec sees it.

const TENANT = "e2e-scatter";
const id = (i: number) => `e25ca77e-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
const OUTLIER = id(110);
const ERROR = id(115);

async function insert(from: number, to: number, startSql: string, errorEvery: number) {
  const sql = e2eDatabase();
  try {
    await sql.unsafe(
      `INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, root_span_id, root_service, root_name,
                           span_count, error_count, services, has_error, attributes)
       SELECT $1, ('e25ca77e-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, ${startSql}, now(),
              CASE WHEN i = 110 THEN 45000000000 ELSE 5000000 + i * 1000 END, 1, 'scatter-svc', 'GET /scatter', 1,
              (i % $4 = 0 OR i = 115)::int, ARRAY['scatter-svc'], (i % $4 = 0 OR i = 115), '{}'::jsonb
       FROM generate_series($2::int, $3::int) AS i`,
      [TENANT, from, to, errorEvery],
    );
  } finally {
    await sql.end();
  }
}

test.beforeAll(async () => {
  const sql = e2eDatabase();
  await sql`INSERT INTO tenants (id, name, retention_days) VALUES (${TENANT}, 'Scatter e2e', 14) ON CONFLICT (id) DO NOTHING`;
  await sql.end();
  // 120 traces over the last 40 minutes, newest first: the 45 s outlier (110) and an error (115)
  // are far from the table's first page.
  await insert(1, 120, "now() - i * interval '20 seconds'", 1_000_000);
});
test.afterAll(async () => {
  const sql = e2eDatabase();
  await sql`DELETE FROM traces WHERE tenant_id = ${TENANT}`;
  await sql`DELETE FROM tenants WHERE id = ${TENANT}`;
  await sql.end();
});

test("the scatter shows every match with its count, the outlier the first page does not, on every page", async ({ page }) => {
  await signIn(page, demoLogin("investigator"), `/traces?tenant=${TENANT}&range=1h`);
  const scatter = page.getByTestId("duration-scatter").filter({ visible: true });
  await expect(page.getByTestId("scatter-count").filter({ visible: true })).toHaveText("All 120 matching traces");
  await expect(scatter.locator("circle[data-trace-id]")).toHaveCount(120);
  await expect(scatter.locator(`circle[data-trace-id="${OUTLIER}"]`)).toHaveCount(1);
  await expect(scatter.locator(`circle[data-trace-id="${ERROR}"][data-error]`)).toHaveCount(1);
  const rows = page.getByTestId("trace-results").filter({ visible: true }).getByTestId("trace-link");
  await expect(rows).toHaveCount(50);
  const onPage = await rows.evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
  expect(onPage.some((href) => href.includes(OUTLIER.replace(/-/g, "")) || href.includes(OUTLIER))).toBe(false);

  await page.getByRole("link", { name: "Next page →" }).click();
  await expect(page).toHaveURL(/cursor=/);
  await expect(page.getByTestId("scatter-count").filter({ visible: true })).toHaveText("All 120 matching traces");
  await expect(page.getByTestId("duration-scatter").filter({ visible: true }).locator(`circle[data-trace-id="${OUTLIER}"]`)).toHaveCount(1);

  const res = await page.request.get(`/api/traces/scatter?tenant=${TENANT}&range=1h`);
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { total: number; sampled: boolean; points: { traceId: string }[] };
  expect(body).toMatchObject({ total: 120, sampled: false });
  expect(body.points.map((p) => p.traceId)).toContain(OUTLIER);
  const sql = e2eDatabase();
  const [audit] = await sql`SELECT action, outcome, tenants FROM audit_log WHERE resource = '/api/traces/scatter' ORDER BY seq DESC LIMIT 1`;
  await sql.end();
  expect(audit).toMatchObject({ action: "trace.search", outcome: "allowed", tenants: [TENANT] });
  expect((await page.request.get("/api/traces/scatter?minDuration=soon")).status()).toBe(400);
});

test("beyond 5,000 matches the scatter says it is a sample that holds every error and the slowest", async ({ page }) => {
  // 5,200 more, two to three hours ago, one in fifty an error.
  await insert(1001, 6200, "now() - interval '2 hours' - (i - 1000) * interval '1 second'", 50);
  await signIn(page, demoLogin("investigator"), `/traces?tenant=${TENANT}&range=6h`);
  await expect(page.getByTestId("scatter-count").filter({ visible: true })).toHaveText(
    "5,000 of 5,320 traces, sampled; all errors and the slowest included",
    { timeout: 20_000 },
  );
  const scatter = page.getByTestId("duration-scatter").filter({ visible: true });
  await expect(scatter.locator("circle[data-trace-id]")).toHaveCount(5000);
  await expect(scatter.locator("circle[data-error]")).toHaveCount(5200 / 50 + 1);
  await expect(scatter.locator(`circle[data-trace-id="${OUTLIER}"]`)).toHaveCount(1);
});
