import { expect, test, type Page } from "@playwright/test";
import { demoLogin, signIn } from "../fixtures/demo";
import { demoTrace, type DemoTrace } from "../fixtures/traces";

const DARK_BG = "dark";
const LIGHT_BG = "light";

/** Whether the page's background is dark or light (Chromium reports Tailwind's colours as lab(L a b)). */
const background = (page: Page) =>
  page.locator("body").evaluate((b) => {
    const lightness = Number(/^lab\(([\d.]+)/.exec(getComputedStyle(b).backgroundColor)?.[1] ?? Number.NaN);
    return Number.isNaN(lightness) ? getComputedStyle(b).backgroundColor : lightness < 50 ? "dark" : "light";
  });

async function chooseTheme(page: Page, theme: "System" | "Light" | "Dark") {
  await page.getByTestId("user-menu").locator("summary").click();
  await page.getByLabel("Theme").selectOption({ label: theme });
  await page.getByTestId("user-menu").locator("summary").click();
}

test("the theme toggle overrides the system setting, persists, and is in the page's first byte (no flash)", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await signIn(page, demoLogin("investigator"), "/traces");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "system");
  expect(await background(page)).toBe(LIGHT_BG);

  await chooseTheme(page, "Dark");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  expect(await background(page)).toBe(DARK_BG);
  // Stored: the server's HTML already says dark, so the page never paints light first.
  await expect.poll(async () => (await (await page.request.get("/latency")).text()).includes('data-theme="dark"')).toBe(true);
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  expect(await background(page)).toBe(DARK_BG);

  // Light wins over a dark operating system; System follows it again.
  await page.emulateMedia({ colorScheme: "dark" });
  await chooseTheme(page, "Light");
  await page.reload();
  expect(await background(page)).toBe(LIGHT_BG);
  await chooseTheme(page, "System");
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "system");
  expect(await background(page)).toBe(DARK_BG);
});

test("a forged theme cookie is ignored", async ({ page, context, baseURL }) => {
  await signIn(page, demoLogin("investigator"));
  await context.addCookies([{ name: "te-theme", value: 'dark" onload="alert(1)', url: baseURL! }]);
  const html = await (await page.request.get("/traces")).text();
  expect(html).toContain('data-theme="system"');
  expect(html).not.toContain("onload=");
});

test.describe("the waterfall without a mouse", () => {
  let trace: DemoTrace;

  test.beforeAll(async () => {
    trace = await demoTrace(30);
  });

  test.beforeEach(async ({ page }) => {
    await signIn(page, demoLogin("investigator"), `/traces/${trace.traceId}?tenant=${trace.tenant}`);
    await expect(page.getByTestId("waterfall")).toBeVisible();
  });

  test("zoom and pan with the keyboard on the time axis", async ({ page }) => {
    const box = page.getByTestId("minimap-viewport");
    const widthOf = async () => Number.parseFloat((await box.getAttribute("style"))!.match(/width:\s*([\d.]+)%/)![1]!);
    const leftOf = async () => Number.parseFloat((await box.getAttribute("style"))!.match(/left:\s*([\d.]+)%/)![1]!);
    const reset = page.getByRole("button", { name: "Reset zoom" });
    await expect(reset).toBeDisabled();

    await page.getByTestId("time-ruler").focus();
    await page.keyboard.press("+");
    await expect(reset).toBeEnabled();
    expect(await widthOf()).toBeCloseTo(50, 0);
    await page.keyboard.press("+");
    expect(await widthOf()).toBeCloseTo(25, 0);
    const before = await leftOf();
    await page.keyboard.press("ArrowRight");
    expect(await leftOf()).toBeCloseTo(before + 2.5, 0);
    await page.keyboard.press("-");
    expect(await widthOf()).toBeCloseTo(50, 0);
    await page.keyboard.press("0");
    await expect(reset).toBeDisabled();
  });

  test("the minimap moves through the rows and the time window by keyboard", async ({ page }) => {
    const tree = page.getByTestId("waterfall");
    const scrollTop = () => tree.evaluate((el) => el.scrollTop);
    expect(await scrollTop()).toBe(0);
    await page.getByTestId("minimap").focus();
    await page.keyboard.press("PageDown");
    await expect.poll(scrollTop).toBeGreaterThan(0);
    await page.keyboard.press("End");
    await expect.poll(scrollTop).toBeGreaterThan(await tree.evaluate((el) => el.clientHeight));
    await page.keyboard.press("Home");
    await expect.poll(scrollTop).toBe(0);
    await page.keyboard.press("+");
    await expect(page.getByRole("button", { name: "Reset zoom" })).toBeEnabled();
  });

  test("a screen reader is told which span is selected", async ({ page }) => {
    const tree = page.getByTestId("waterfall");
    await tree.focus();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    const selected = page.locator('[role="treeitem"][aria-selected="true"]');
    await expect(selected).toHaveCount(1);
    // The focused tree names the selected row as its active descendant, and the live region says it.
    await expect(tree).toHaveAttribute("aria-activedescendant", (await selected.getAttribute("id"))!);
    const name = (await selected.getAttribute("aria-label"))!;
    await expect(page.getByTestId("selection-announcer")).toContainText(`Selected ${name}`);
    await expect(page.getByTestId("selection-announcer")).toContainText("row 2 of");
  });
});
