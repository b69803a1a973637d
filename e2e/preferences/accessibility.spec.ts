import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { demoLogin, signIn } from "../fixtures/demo";
import { demoTrace, type DemoTrace } from "../fixtures/traces";

const THEMES = ["light", "dark"] as const;

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
  { name: "traces search", path: () => "/traces?range=7d", ready: (p) => expect(p.getByTestId("duration-scatter")).toBeVisible() },
  { name: "a trace", path: (t) => `/traces/${t.traceId}?tenant=${t.tenant}`, ready: (p) => expect(p.getByTestId("service-legend")).toBeVisible() },
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

  for (const theme of THEMES) {
    test(`on every page, ${theme} theme`, async ({ page, context, baseURL }) => {
      test.setTimeout(180_000);
      await context.addCookies([{ name: "te-theme", value: theme, url: baseURL! }]);
      const problems: string[] = [];
      for (const signedIn of [false, true]) {
        if (signedIn) await signIn(page, demoLogin("admin"));
        for (const c of PAGES.filter((p) => (p.signedIn ?? true) === signedIn)) {
          await page.goto(c.path(trace));
          await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
          await c.ready?.(page);
          const axe = () => new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]);
          const { violations } = await (c.exception ? axe().exclude(c.exception.within) : axe()).analyze();
          if (c.exception && (await page.locator(c.exception.within).count()) > 0) {
            test.info().annotations.push({ type: "axe exception", description: `${c.name}: ${c.exception.rules.join(", ")} not applied in ${c.exception.within}: ${c.exception.why}` });
            violations.push(...(await axe().include(c.exception.within).disableRules(c.exception.rules).analyze()).violations);
          }
          for (const v of violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
            problems.push(`${c.name}: ${v.id} (${v.impact}) ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(" ")} ${n.failureSummary?.split("\n").slice(1).join(" ") ?? ""}`).join("\n")}`);
          }
        }
      }
      expect(problems, problems.join("\n")).toEqual([]);
    });
  }
});
