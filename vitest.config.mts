import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: `${root}/` },
      // Tests run server modules directly; the marker only guards client bundles.
      { find: /^server-only$/, replacement: path.join(root, "node_modules/server-only/empty.js") },
    ],
  },
  test: {
    include: ["{lib,db,app,components,scripts,examples}/**/*.test.{ts,tsx}"],
    globalSetup: ["db/testing/global-setup.ts"],
    pool: "forks",
    // Two files at a time: most wait on Postgres, and the CI run has a time limit (4.7 → 2.8 min).
    maxWorkers: 2,
    testTimeout: 30_000,
    // Audit rows are written keyed, as the start script makes the app write them.
    env: { AUDIT_HMAC_KEY: "test-audit-hmac-key-0123456789abcdef" },
    hookTimeout: 120_000,
  },
});
