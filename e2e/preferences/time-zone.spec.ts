import { expect, test, type Page } from "@playwright/test";
import { formatInstant } from "../../lib/format/time";
import { demoLogin, signIn } from "../fixtures/demo";
import { demoTrace, type DemoTrace } from "../fixtures/traces";

// A zone with a half-hour offset and no daylight saving: its label cannot be mistaken for UTC or for this machine's zone.
const ZONE = "Asia/Kolkata";
test.use({ timezoneId: ZONE });

async function chooseZone(page: Page, mode: "UTC" | "Local") {
  await page.getByTestId("user-menu").locator("summary").click();
  await page.getByLabel("Time zone").selectOption(mode === "UTC" ? "utc" : "local");
  await page.getByTestId("user-menu").locator("summary").click();
}

/** The first result's start as shown, and the exact instant it stands for. */
async function firstStart(page: Page): Promise<{ text: string; iso: string }> {
  const time = page.getByTestId("trace-results").locator("tbody time").first();
  await expect(time).toBeVisible();
  return { text: (await time.textContent())!, iso: (await time.getAttribute("datetime"))! };
}

test.describe("one time zone setting", () => {
  let trace: DemoTrace;

  test.beforeAll(async () => {
    trace = await demoTrace();
  });

  test("local by default, UTC when chosen: search list, scatter, trace header and latency axes follow and say which", async ({ page }) => {
    await signIn(page, demoLogin("admin"));

    // Local by default: the browser's zone reaches the server, which renders in it, labelled.
    await page.goto("/traces?range=7d");
    await expect(page.getByTestId("trace-results").locator("tbody time").first()).toContainText("(UTC+05:30)");
    let start = await firstStart(page);
    expect(start.text).toBe(formatInstant(start.iso, ZONE, "millisecond"));
    await expect(page.getByTestId("duration-scatter").filter({ visible: true }).getByTestId("zone-note")).toHaveText("Times in UTC+05:30");

    await page.goto(`/traces/${trace.traceId}?tenant=${trace.tenant}`);
    await expect(page.getByTestId("trace-facts")).toContainText("(UTC+05:30)");

    await page.goto("/latency?range=24h");
    await expect(page.getByTestId("zone-note").first()).toHaveText("Times in UTC+05:30");

    // UTC, chosen in the user menu, applies at once and on every page after.
    await chooseZone(page, "UTC");
    await expect(page.getByTestId("zone-note").first()).toHaveText("Times in UTC");

    await page.goto("/traces?range=7d");
    await expect(page.getByTestId("trace-results").locator("tbody time").first()).toContainText(" UTC");
    start = await firstStart(page);
    expect(start.text).toBe(formatInstant(start.iso, "UTC", "millisecond"));
    expect(start.text).not.toContain("+05:30");
    await expect(page.getByTestId("duration-scatter").filter({ visible: true }).getByTestId("zone-note")).toHaveText("Times in UTC");

    await page.goto(`/traces/${trace.traceId}?tenant=${trace.tenant}`);
    await expect(page.getByTestId("trace-facts")).toContainText(/Start\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} UTC/);

    // And back to local.
    await chooseZone(page, "Local");
    await expect(page.getByTestId("trace-facts")).toContainText("(UTC+05:30)");
  });

  test("the custom range is picked in the chosen zone and stored as the instant it means", async ({ page }) => {
    await signIn(page, demoLogin("admin"), "/traces");
    // Chosen before the page has hydrated, the option changes and nothing answers: choose until the picker does.
    await expect(async () => {
      await page.getByLabel("Time range").selectOption("custom");
      await expect(page.getByTestId("range-zone")).toHaveText("UTC+05:30", { timeout: 1_000 });
    }).toPass();
    await page.getByLabel("From", { exact: true }).fill("2026-05-20T10:00");
    await page.getByLabel("To", { exact: true }).fill("2026-05-20T11:30");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL((url) => url.searchParams.get("from") === "2026-05-20T04:30:00.000Z" && url.searchParams.get("to") === "2026-05-20T06:00:00.000Z");
  });

  test("a forged zone cookie is ignored: times show in UTC, labelled, and the page works", async ({ page, context, baseURL }) => {
    await signIn(page, demoLogin("admin"));
    // Once the browser has reported its zone it does not again until a page says it lacks one.
    await page.goto("/traces?range=7d");
    await expect(page.getByTestId("trace-results").locator("tbody time").first()).toContainText("(UTC+05:30)");
    await context.addCookies([
      { name: "te-browser-zone", value: "<img src=x onerror=alert(1)>", url: baseURL! },
      { name: "te-time-zone", value: "mars", url: baseURL! },
    ]);
    // The server's first answer, before the browser corrects the zone: UTC, and it says so.
    const html = await (await page.request.get("/traces?range=7d")).text();
    expect(html).not.toContain("<img src=x");
    expect(html).toMatch(/\d{2}:\d{2}:\d{2}\.\d{3} UTC/);
    // Then the browser reports its real zone and local time follows.
    await page.goto("/traces?range=7d");
    await expect(page.getByTestId("trace-results").locator("tbody time").first()).toContainText("(UTC+05:30)");
  });
});
