import { expect, test, type Page } from "@playwright/test";
import { demoLogin, signIn } from "../fixtures/demo";

/** Holds the server's answer to client navigations (RSC requests) to `path` until released. */
async function holdNavigations(page: Page, path: string): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(
    (url) => url.pathname === path && url.searchParams.has("_rsc"),
    async (route) => {
      await released;
      await route.continue();
    },
  );
  return release;
}

test("a filter change shows progress at once and the control keeps the chosen value while the page loads", async ({ page }) => {
  await signIn(page, demoLogin("investigator"), "/latency?range=7d");
  await expect(page.getByTestId("latency-summary")).toContainText("step 3h");
  const release = await holdNavigations(page, "/latency");

  const step = page.locator("#latency-step");
  await step.selectOption("6h");
  await expect(page.getByTestId("filters-pending")).toBeVisible();
  await expect(page.getByTestId("page-loading")).toBeVisible();
  // No snapping back while the server renders: the chosen step stays chosen.
  await expect(step).toHaveValue("6h");
  await page.waitForTimeout(500);
  await expect(step).toHaveValue("6h");
  await expect(page.getByTestId("latency-summary")).toContainText("step 3h");

  release();
  await expect(page.getByTestId("latency-summary")).toContainText("step 6h");
  await expect(page.getByTestId("filters-pending")).toHaveCount(0);
  await expect(step).toHaveValue("6h");
  expect(new URL(page.url()).searchParams.get("step")).toBe("6h");
});

test("every section link shows the section's loading state at once", async ({ page }) => {
  await signIn(page, demoLogin("admin"), "/traces");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const [path, label] of [["/latency", "Latency"], ["/investigate", "Investigate"], ["/audit", "Audit"], ["/admin", "Admin"], ["/traces", "Traces"]] as const) {
    const release = await holdNavigations(page, path);
    await nav.getByRole("link", { name: label }).click();
    await expect(nav.getByTestId("nav-pending"), path).toBeVisible();
    await expect(page.getByTestId("route-loading"), path).toContainText(`Loading ${label.toLowerCase()}…`);
    release();
    await expect(page.getByTestId("route-loading"), path).toHaveCount(0);
    await expect(nav.getByRole("link", { name: label }), path).toHaveAttribute("aria-current", "page");
  }
});
