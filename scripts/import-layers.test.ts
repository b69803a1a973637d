import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// The layer check of `npm run lint` (.dependency-cruiser.cjs), run on a small tree that breaks
// each rule once, beside imports that keep to the layers.
const BIN = path.resolve("node_modules/dependency-cruiser/bin/dependency-cruise.mjs");
const CONFIG = path.resolve(".dependency-cruiser.cjs");
const TSX = path.resolve("node_modules/.bin/tsx");
const LINT_LAYERS = path.resolve("scripts/lint-layers.ts");
const ROOTS = ["app", "components", "lib", "db", "scripts", "bench", "e2e", "packages", "examples"];

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface Violation {
  rule: string;
  from: string;
  to: string;
}

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "layers-"));
  dirs.push(dir);
  const all = { "tsconfig.json": JSON.stringify({ compilerOptions: { paths: { "@/*": ["./*"] } } }), ...files };
  for (const [file, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

function cruise(files: Record<string, string>): Violation[] {
  const dir = tree(files);
  const roots = ROOTS.filter((r) => fs.existsSync(path.join(dir, r)));
  const run = spawnSync(process.execPath, [BIN, "--config", CONFIG, "--output-type", "json", ...roots], { cwd: dir, encoding: "utf8" });
  if (!run.stdout) throw new Error(`depcruise printed nothing: ${run.stderr}`);
  const result = JSON.parse(run.stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return result.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

const use = (...modules: string[]) => modules.map((m, i) => `import * as m${i} from "${m}";\nvoid m${i};\n`).join("") + "export const x = 1;\n";

describe("the import-layer check", () => {
  it("passes imports that only point down, and tests that import what sets their scene", () => {
    const found = cruise({
      "app/page.tsx": use("@/components/view", "@/lib/area/logic", "@/db/schema"),
      "components/view.tsx": use("@/lib/area/logic", "@/db/schema"),
      "lib/area/logic.ts": use("@/lib/other/helper", "@/db/schema"),
      "lib/other/helper.ts": use("@/db/schema", "@/packages/tool/index"),
      "db/schema.ts": "export const schema = 1;\n",
      "packages/tool/index.ts": "export const tool = 1;\n",
      "examples/service/main.ts": use("../../packages/tool/index"),
      "scripts/run.ts": use("../lib/area/logic", "../db/schema"),
      "bench/run.ts": use("../scripts/run", "../lib/area/logic", "../db/schema"),
      "e2e/spec.ts": use("../scripts/run", "../lib/area/logic", "../db/schema"),
      "lib/area/logic.test.ts": use("@/scripts/run", "@/app/page"),
      "db/testing/fixture.ts": use("@/lib/area/logic"),
    });
    expect(found).toEqual([]);
  });

  it("names every import that points up, into a tool or an example, from a package into the app, from scripts into bench or e2e, between those two, or round a loop of lib/ folders", () => {
    const found = cruise({
      "app/page.tsx": "export const page = 1;\n",
      "components/view.tsx": use("@/app/page"),
      "lib/area/logic.ts": use("@/components/view", "@/lib/other/helper"),
      "lib/other/helper.ts": use("@/lib/area/logic"),
      "lib/tool-user.ts": use("@/scripts/run"),
      "db/schema.ts": use("@/lib/other/helper"),
      "lib/example-user.ts": use("@/examples/service/main"),
      "packages/tool/index.ts": use("../../lib/other/helper"),
      "examples/service/main.ts": "export const main = 1;\n",
      "scripts/run.ts": use("../bench/run"),
      "bench/run.ts": use("../e2e/spec"),
      "e2e/spec.ts": "export const spec = 1;\n",
    });
    const byRule = (a: Violation, b: Violation) => `${a.rule} ${a.from}`.localeCompare(`${b.rule} ${b.from}`);
    expect(found.sort(byRule)).toEqual([
      { rule: "bench-and-e2e-import-each-other", from: "bench/run.ts", to: "e2e/spec.ts" },
      { rule: "components-import-app", from: "components/view.tsx", to: "app/page.tsx" },
      { rule: "db-imports-above", from: "db/schema.ts", to: "lib/other/helper.ts" },
      { rule: "folder-cycle", from: "lib/area", to: "lib/other" },
      { rule: "folder-cycle", from: "lib/other", to: "lib/area" },
      { rule: "imports-a-tool", from: "lib/tool-user.ts", to: "scripts/run.ts" },
      { rule: "imports-an-example", from: "lib/example-user.ts", to: "examples/service/main.ts" },
      { rule: "lib-imports-above", from: "lib/area/logic.ts", to: "components/view.tsx" },
      { rule: "package-imports-the-app", from: "packages/tool/index.ts", to: "lib/other/helper.ts" },
      { rule: "scripts-import-bench-or-e2e", from: "scripts/run.ts", to: "bench/run.ts" },
    ]);
  });

  it("lets known violations pass, folder cycles among them, and fails on a new one", () => {
    const known = (from: string, to: string) => ({ rule: { name: "db-imports-above", severity: "error" }, from, to });
    const cycle = (from: string, to: string) => ({ rule: { name: "folder-cycle", severity: "error" }, from, to, cycle: [{ name: to }, { name: from }] });
    const dir = tree({
      ".dependency-cruiser.cjs": fs.readFileSync(CONFIG, "utf8"),
      ".dependency-cruiser-known-violations.json": JSON.stringify([known("db/old.ts", "lib/area/logic.ts"), cycle("lib/area", "lib/other"), cycle("lib/other", "lib/area"), known("db/fixed.ts", "lib/area/logic.ts")]),
      "lib/area/logic.ts": use("@/lib/other/helper"),
      "lib/other/helper.ts": use("@/lib/area/logic"),
      "db/old.ts": use("@/lib/area/logic"),
      "db/new.ts": use("@/lib/area/logic"),
    });
    const run = spawnSync(TSX, [LINT_LAYERS], { cwd: dir, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("1 import(s) break the layers");
    expect(run.stderr).toContain("db-imports-above: db/new.ts → lib/area/logic.ts");
    expect(run.stderr).not.toMatch(/db\/old\.ts|folder-cycle/);
    expect(run.stdout).toContain("db-imports-above: db/fixed.ts → lib/area/logic.ts");

    fs.rmSync(path.join(dir, "db/new.ts"));
    const clean = spawnSync(TSX, [LINT_LAYERS], { cwd: dir, encoding: "utf8" });
    expect({ status: clean.status, stdout: clean.stdout }).toMatchObject({ status: 0, stdout: expect.stringContaining("no new violations (3 known") });
  });
});
