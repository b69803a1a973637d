import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { demoLogin, signIn } from "../fixtures/demo";
import { demoTrace, type DemoTrace } from "../fixtures/traces";

const THEMES = ["light", "dark"] as const;
/**
 * What a theme changes is colour, never the page's structure: the first theme gets every rule,
 * the second only those that measure colour (a full second pass cost CI most of a minute).
 */
const COLOUR_RULES = ["color-contrast", "link-in-text-block"];

interface PageCase {
  name: string;
  path: (trace: DemoTrace) => string;
  /** What shows once the page's data has arrived (charts and the waterfall draw after load). */
  ready?: (page: Page) => Promise<void>;
  signedIn?: boolean;
  /** Rules not applied inside one part of the page, and why. Everything else there is still checked. */
  exception?: { within: string; rules: string[]; why: string };
}

const PAGES: PageCase[] = [
  { name: "sign-in", path: () => "/login", signedIn: false },
  { name: "traces search", path: () => "/traces?range=7d", ready: (p) => expect(p.getByTestId("duration-scatter").filter({ visible: true })).toBeVisible() },
  {
    // The waterfall with a span's details and the logs panel open: the trace page at its fullest.
    name: "a trace with its logs panel and a span's logs",
    path: (t) => `/traces/${t.traceId}?tenant=${t.tenant}`,
    ready: async (p) => {
      await expect(p.getByTestId("service-legend")).toBeVisible();
      await p.getByRole("treeitem").nth(1).click();
      await p.getByRole("button", { name: /^Logs/ }).click();
      await expect(p.getByTestId("log-line").first()).toBeVisible();
      await expect(p.getByTestId("span-detail").getByRole("heading", { name: /^Logs \(\d+\+?\)$/ })).toBeVisible();
    },
  },
  {
    name: "latency",
    path: () => "/latency?range=24h",
    ready: (p) => expect(p.getByTestId("percentile-chart")).toBeVisible(),
    exception: {
      within: '[data-testid="latency-heatmap"]',
      rules: ["target-size"],
      why: "a heatmap is a dense grid of cells one step wide (13 px at 24 h); each cell's traces are also reached from the percentile and traffic charts and the search's duration filter",
    },
  },
  { name: "logs", path: () => "/logs?range=7d", ready: (p) => expect(p.getByTestId("log-lines")).toBeVisible() },
  { name: "investigate: errors", path: () => "/investigate?view=errors&range=7d" },
  { name: "investigate: retries", path: () => "/investigate?view=retries&range=7d" },
  { name: "investigate: slow", path: () => "/investigate?view=slow&range=7d" },
  { name: "investigate: lineage", path: () => "/investigate?view=lineage&range=7d" },
  { name: "audit", path: () => "/audit" },
  { name: "admin", path: () => "/admin" },
  { name: "admin: users", path: () => "/admin/users" },
  { name: "admin: tenants", path: () => "/admin/tenants" },
  { name: "admin: ingest keys", path: () => "/admin/ingest-keys" },
  { name: "admin: retention", path: () => "/admin/retention" },
  { name: "not found", path: () => "/no-such-page" },
];

test.describe("axe-core finds no serious or critical violation", () => {
  let trace: DemoTrace;

  test.beforeAll(async () => {
    trace = await demoTrace();
  });

  // Each page is loaded once and checked in both themes, switched as the theme menu does
  // (data-theme on <html>): a load per theme cost CI most of a minute. The signed-in pages are
  // checked in two tabs at once, each a lane of its own (axe runs in each tab's renderer).
  test("on every page, in both themes", async ({ page, context }) => {
    test.setTimeout(360_000);
    const problems: string[] = [];
    const check = async (tab: Page, c: PageCase) => {
      await tab.goto(c.path(trace));
      await c.ready?.(tab);
      // Colours switch at once, so contrast is measured on the theme's colours, never mid-transition.
      await tab.addStyleTag({ content: "*, *::before, *::after { transition: none !important; }" });
      for (const theme of THEMES) {
        await tab.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
        await expect(tab.locator("html")).toHaveAttribute("data-theme", theme);
        const axe = () => {
          const builder = new AxeBuilder({ page: tab });
          return theme === THEMES[0] ? builder.withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]) : builder.withRules(COLOUR_RULES);
        };
        const { violations } = await (c.exception ? axe().exclude(c.exception.within) : axe()).analyze();
        if (c.exception && (await tab.locator(c.exception.within).count()) > 0) {
          test.info().annotations.push({ type: "axe exception", description: `${c.name}: ${c.exception.rules.join(", ")} not applied in ${c.exception.within}: ${c.exception.why}` });
          violations.push(...(await axe().include(c.exception.within).disableRules(c.exception.rules).analyze()).violations);
        }
        for (const v of violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
          problems.push(`${c.name}, ${theme} theme: ${v.id} (${v.impact}) ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(" ")} ${n.failureSummary?.split("\n").slice(1).join(" ") ?? ""}`).join("\n")}`);
        }
      }
    };
    for (const c of PAGES.filter((p) => p.signedIn === false)) await check(page, c);
    await signIn(page, demoLogin("admin"));
    const signedIn = PAGES.filter((p) => p.signedIn ?? true);
    const lanes = [page, await context.newPage()];
    await Promise.all(lanes.map(async (tab, lane) => {
      for (const c of signedIn.filter((_, i) => i % lanes.length === lane)) await check(tab, c);
    }));
    expect(problems.sort(), problems.join("\n")).toEqual([]);
  });
});
