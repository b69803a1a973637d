// The import layers (README, Layout): app → components → lib → db, each only downward; no two
// folders of lib/ import each other; scripts/, bench/ and e2e/ may use anything below them and
// nothing below imports them; among them bench/ and e2e/ may use scripts/ (the demo generator),
// never the reverse, nor each other. Tests and their fixtures are left out: they may import
// whatever they need to set a scene. packages/ (the tracing library) import nothing of the app;
// examples/ are separate services nothing imports.
// `npm run lint:layers` (scripts/lint-layers.ts) runs it; violations known before a fix lands
// are listed in .dependency-cruiser-known-violations.json, which that script applies. Rewrite
// the list only to drop fixed entries (`npx depcruise-baseline --config .dependency-cruiser.cjs
// app components lib db scripts bench e2e packages examples proxy.ts instrumentation.ts` writes all
// current ones).

const APP = "^(app/|proxy\\.ts$|instrumentation\\.ts$)";
const TOOLS = "^(scripts|bench|e2e)/";
/** lib/<area> and lib/<area>/<part> (lib/traces/search beside lib/traces/trace), and components/<area>. */
const FOLDERS = ["^lib/[^/]+$", "^lib/[^/]+/[^/]+$", "^components/[^/]+$"];

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "db-imports-above",
      comment: "db/ is the ground floor: it imports nothing of lib/, components/ or app/.",
      severity: "error",
      from: { path: "^db/" },
      to: { path: ["^(lib|components)/", APP] },
    },
    {
      name: "lib-imports-above",
      comment: "lib/ is the work: it imports nothing of components/ or app/.",
      severity: "error",
      from: { path: "^lib/" },
      to: { path: ["^components/", APP] },
    },
    {
      name: "components-import-app",
      comment: "components/ are UI pieces: they import nothing of app/ (move what they need to lib/).",
      severity: "error",
      from: { path: "^components/" },
      to: { path: APP },
    },
    {
      name: "imports-a-tool",
      comment: "scripts/, bench/ and e2e/ sit on top: nothing imports them; what two of them share belongs below (lib/, db/).",
      severity: "error",
      from: { path: "^(?!(scripts|bench|e2e)/)" },
      to: { path: TOOLS },
    },
    {
      name: "scripts-import-bench-or-e2e",
      comment: "scripts/ (start, seed, the demo generator, soak) sit below bench/ and e2e/: they import neither.",
      severity: "error",
      from: { path: "^scripts/" },
      to: { path: "^(bench|e2e)/" },
    },
    {
      name: "bench-and-e2e-import-each-other",
      comment: "bench/ and e2e/ do not import each other; what they share belongs below (scripts/, lib/, db/).",
      severity: "error",
      from: { path: "^(bench|e2e)/" },
      to: { path: "^(bench|e2e)/", pathNot: "^$1/" },
    },
    {
      name: "package-imports-the-app",
      comment: "packages/ are libraries other services install: they import nothing of the app, only each other and node_modules.",
      severity: "error",
      from: { path: "^packages/" },
      to: { path: ["^(app|components|lib|db|scripts|bench|e2e|examples)/", APP] },
    },
    {
      name: "imports-an-example",
      comment: "examples/ are services of their own that use packages/: nothing imports them.",
      severity: "error",
      from: { path: "^(?!examples/)" },
      to: { path: "^examples/" },
    },
    {
      name: "folder-cycle",
      comment: "No two folders of lib/ or of components/ import each other, directly or round a loop (e.g. lib/traces and lib/investigate): one of them is the lower.",
      severity: "error",
      scope: "folder",
      from: { path: FOLDERS },
      to: { path: FOLDERS, circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["\\.test\\.tsx?$", "/testing/", "\\.fixtures\\.ts$", "^lib/ingest/proto/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".mts", ".js", ".mjs", ".cjs", ".json"],
    },
  },
};
