import { expect, test } from "@playwright/test";
import { collectConsoleErrors } from "../fixtures/console";
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
