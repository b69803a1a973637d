import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { newestSourceChange } from "./next-server";

// `npm start` rebuilds when a source of the production build changed since the last build;
// the tracing library is one (a workspace package Next.js bundles), as is instrumentation.ts.
describe("what npm start counts as a change to rebuild for", () => {
  it.each(["packages/tracing/src/core.ts", "instrumentation.ts", "lib/tenants/tenant-id.ts"])("an edit to %s", (file) => {
    const { atime, mtime } = fs.statSync(file);
    // Whole seconds, which file times hold exactly.
    const later = new Date((Math.floor(Date.now() / 1000) + 3600) * 1000);
    fs.utimesSync(file, atime, later);
    try {
      expect(newestSourceChange()).toBe(later.getTime());
    } finally {
      fs.utimesSync(file, atime, mtime);
    }
  });
});
