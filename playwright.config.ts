import fs from "node:fs";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_DATA_DIR = path.resolve(process.env.E2E_DATA_DIR ?? ".data/e2e");
/** The app's OTLP port (INGEST_OTLP_PORT) during the browser tests. */
export const E2E_OTLP_PORT = Number(process.env.E2E_OTLP_PORT ?? E2E_PORT + 1);

// Debian's Chromium where it exists (no browser download needed); Playwright's own otherwise.
const chromium = process.env.CHROMIUM_PATH ?? (fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: ".data/test-results/playwright.json" }]],
  use: {
    baseURL: `http://localhost:${E2E_PORT}`,
    trace: "on-first-retry",
    ...devices["Desktop Chrome"],
    launchOptions: {
      executablePath: chromium,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    // The real start path on a fresh embedded database, as a user would run it.
    command: `rm -rf "${E2E_DATA_DIR}" && tsx --import ./scripts/node/server-only.mjs scripts/start.ts start`,
    url: `http://localhost:${E2E_PORT}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      PORT: String(E2E_PORT),
      TE_DATA_DIR: E2E_DATA_DIR,
      EMBEDDED_PG_PORT: process.env.E2E_PG_PORT ?? "54359",
      INGEST_OTLP_PORT: String(E2E_OTLP_PORT),
      DEMO_TRACES: process.env.E2E_DEMO_TRACES ?? "400",
      // The same demo traces on every run, so a spec never meets data it was not written for.
      DEMO_SEED: process.env.E2E_DEMO_SEED ?? "20261124",
      DATABASE_URL: "",
    },
  },
});
