import { expect, test, type Response } from "@playwright/test";
import { APP_ROLE } from "../../db/app-role";
import { collectConsoleErrors } from "../fixtures/console";
import { e2eDatabase } from "../fixtures/db";
import { demoLogin, signIn } from "../fixtures/demo";

test("an unknown address gets a not-found page inside the app shell, with no console errors", async ({ page }) => {
  await signIn(page, demoLogin("investigator"));
  const errors = collectConsoleErrors(page, "/no/such/page");
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(page.getByTestId("user-menu")).toBeVisible();
  // Scripts run (a blocked script would leave the user menu inert): the menu opens.
  await page.getByTestId("user-menu").locator("summary").click();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Latency" }).click();
  await expect(page.getByRole("heading", { name: "Latency", exact: true })).toBeVisible();
  expect(errors).toEqual([]);
});

test("/favicon.ico is an icon, not a 404, and the first visit logs no error", async ({ page }) => {
  const icon = await page.request.get("/favicon.ico");
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toMatch(/image\//);
  const errors = collectConsoleErrors(page);
  await page.goto("/login");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  expect(errors).toEqual([]);
});

test("a tenant viewer following a link with another tenant is told it is the tenant that is refused", async ({ page }) => {
  const viewer = demoLogin("tenant_viewer");
  await signIn(page, viewer);
  const mine = viewer.tenants[0]!;
  const response = await page.goto(`/latency?range=7d&tenant=initech&tenant=${mine}`);
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();
  const message = page.getByTestId("tenant-refused");
  await expect(message).toContainText("Your tenant scope does not include tenant “initech”");
  await expect(page.getByText("Your role does not allow")).toHaveCount(0);
  await message.getByRole("link", { name: "open it for your own tenants" }).click();
  await expect(page.getByRole("heading", { name: "Latency", exact: true })).toBeVisible();
  expect(new URL(page.url()).searchParams.getAll("tenant")).toEqual([mine]);

  // A section the role does not allow stays a matter of the role.
  await page.goto("/audit?tenant=initech");
  await expect(page.getByText("Your role does not allow this page")).toBeVisible();
});

test("invalid latency parameters are listed with every valid choice beside the filters, and the page still works", async ({ page }) => {
  await signIn(page, demoLogin("investigator"));
  const errors = collectConsoleErrors(page);
  await page.goto("/latency?range=7d&step=7s&sort=name");
  const problem = page.getByTestId("invalid-params");
  await expect(problem).toContainText("step: one of 1m, 5m, 15m, 30m, 1h, 3h, 6h, 1d");
  await expect(problem).toContainText("sort: one of p95, errors, time");
  await expect(page.getByTestId("latency-filters")).toBeVisible();
  await expect(page.getByTestId("latency-summary")).toContainText(/[1-9][\d,]* spans/);
  await problem.getByRole("link", { name: "Remove the invalid parameters" }).click();
  await expect(problem).toHaveCount(0);
  expect(new URL(page.url()).search).toBe("?range=7d");
  expect(errors).toEqual([]);
});

/** What the audit row of the page view records as left out. */
async function auditedAsIgnored(response: Response | null): Promise<unknown> {
  const sql = e2eDatabase();
  try {
    const [row] = await sql<{ ignored: unknown }[]>`SELECT details->'ignored' AS ignored FROM audit_log WHERE request_id = ${response!.headers()["x-request-id"]!}`;
    return row?.ignored;
  } finally {
    await sql.end();
  }
}

test("invalid search parameters are each listed beside the filters, and the search runs on the valid rest", async ({ page }) => {
  await signIn(page, demoLogin("investigator"));
  const errors = collectConsoleErrors(page);
  const response = await page.goto("/traces?range=7d&status=broken&sort=duration&minDuration=fast");
  const problem = page.getByTestId("invalid-params");
  await expect(problem).toContainText("2 parameters of this address are invalid and left out");
  await expect(problem).toContainText('status: must be "error" or "ok"');
  await expect(problem).toContainText("minDuration: is not a duration");
  expect(await auditedAsIgnored(response)).toEqual([expect.stringMatching(/^minDuration: /), expect.stringMatching(/^status: /)]);
  // The valid sort still applies: the slowest traces first.
  const results = page.getByTestId("trace-results").filter({ visible: true });
  await expect(results.locator("tbody tr").first()).toBeVisible();
  await expect(results.getByRole("columnheader", { name: "Duration" })).toHaveAttribute("aria-sort", "descending");
  await problem.getByRole("link", { name: "Remove the invalid parameters" }).click();
  await expect(page).toHaveURL((url) => url.search === "?range=7d&sort=duration");
  await expect(problem).toHaveCount(0);
  await expect(page.getByTestId("trace-results").filter({ visible: true }).locator("tbody tr").first()).toBeVisible();
  expect(errors).toEqual([]);
});

test("invalid investigate parameters are each listed beside the filters, and the view answers what the valid rest asks", async ({ page }) => {
  await signIn(page, demoLogin("investigator"));
  const errors = collectConsoleErrors(page);
  const response = await page.goto(`/investigate?view=slow&range=7d&rank=end-to-end&n=0&q=${"y".repeat(300)}`);
  const problem = page.getByTestId("invalid-params");
  await expect(problem).toContainText("2 parameters of this address are invalid and left out");
  await expect(problem).toContainText("n: n must be a whole number from 1 to 100");
  await expect(problem).toContainText("q: the error text filter may be at most 200 characters");
  expect(await auditedAsIgnored(response)).toEqual([expect.stringMatching(/^n: /), expect.stringMatching(/^q: /)]);
  // Slow requests over 7 days, ranked end to end, as the valid parameters ask.
  await expect(page.getByTestId("slow-requests")).toHaveAttribute("data-rank", "end-to-end");
  await expect(page.getByTestId("slow-request").first()).toBeVisible();
  await problem.getByRole("link", { name: "Remove the invalid parameters" }).click();
  await expect(page).toHaveURL((url) => url.search === "?view=slow&range=7d&rank=end-to-end");
  await expect(problem).toHaveCount(0);
  await expect(page.getByTestId("slow-requests")).toHaveAttribute("data-rank", "end-to-end");
  expect(errors).toEqual([]);
});

test("a page that fails while rendering shows the error page inside the shell, and Try again shows the page once the cause is gone", async ({ page }) => {
  await signIn(page, demoLogin("investigator"));
  const errors = collectConsoleErrors(page, "/traces");
  const sql = e2eDatabase();
  // A real failure, not a stub: the database refuses the app's role the saved queries that the
  // search page reads while rendering.
  await sql`REVOKE SELECT ON saved_queries FROM ${sql(APP_ROLE)}`;
  try {
    const response = await page.goto("/traces?range=7d");
    expect(response?.status()).toBe(500);
    await expect(page.getByRole("heading", { name: "This page could not be shown" })).toBeVisible();
    await expect(page.getByText("Something went wrong while loading it. Trying again often helps")).toBeVisible();
    await expect(page.getByText(/^Error id: \w+$/)).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    await expect(page.getByTestId("user-menu")).toBeVisible();
    // Nothing of the cause reaches the browser: the id is for the server log.
    expect(await page.content()).not.toMatch(/permission denied|saved_queries/);
    // Next logs the error the boundary caught, its message left out in production (React error
    // #441); nothing else: no CSP violation, no cause.
    expect(errors.filter((e) => !e.includes("React error #441"))).toEqual([]);
  } finally {
    await sql`GRANT SELECT ON saved_queries TO ${sql(APP_ROLE)}`;
    await sql.end();
  }
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByRole("heading", { name: "Traces", exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: "This page could not be shown" })).toHaveCount(0);
  await expect(page.getByTestId("trace-results").filter({ visible: true }).locator("tbody tr").first()).toBeVisible();
});

