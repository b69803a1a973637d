import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The import-layer check of `npm run lint` (rules in .dependency-cruiser.cjs). It applies the
 * known-violations baseline itself: dependency-cruiser 17, the last release for Node 20, leaves
 * folder-level violations (the folder-cycle rule) out of its own `--ignore-known`.
 * Run in the repository root (or a tree laid out like it); exits 1 on any violation not in
 * .dependency-cruiser-known-violations.json.
 */
const ROOTS = ["app", "components", "lib", "db", "scripts", "bench", "e2e", "packages", "examples", "proxy.ts", "instrumentation.ts"];
const CONFIG = ".dependency-cruiser.cjs";
const KNOWN = ".dependency-cruiser-known-violations.json";

interface Violation {
  rule: { name: string; severity: string };
  from: string;
  to: string;
  cycle?: { name: string }[];
}

const keyOf = (v: Violation) => JSON.stringify([v.rule.name, v.from, v.to, (v.cycle ?? []).map((c) => c.name)]);
const describe = (v: Violation) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (round ${v.cycle.map((c) => c.name).join(" → ")})` : ""}`;

const bin = fileURLToPath(new URL("../node_modules/dependency-cruiser/bin/dependency-cruise.mjs", import.meta.url));
const roots = ROOTS.filter((r) => fs.existsSync(r));
const run = spawnSync(process.execPath, [bin, "--config", CONFIG, "--output-type", "json", ...roots], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
if (!run.stdout) {
  console.error(`dependency-cruiser failed:\n${run.stderr}`);
  process.exit(2);
}
const found = (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations.filter((v) => v.rule.severity === "error");
const known = fs.existsSync(KNOWN) ? (JSON.parse(fs.readFileSync(KNOWN, "utf8")) as Violation[]) : [];
const knownKeys = new Set(known.map(keyOf));
const foundKeys = new Set(found.map(keyOf));

const fresh = found.filter((v) => !knownKeys.has(keyOf(v)));
const gone = known.filter((v) => !foundKeys.has(keyOf(v)));
if (gone.length > 0) {
  console.log(`${gone.length} known violation(s) no longer occur; take them out of ${path.basename(KNOWN)}:`);
  for (const v of gone) console.log(`  ${describe(v)}`);
}
if (fresh.length > 0) {
  console.error(`${fresh.length} import(s) break the layers (README, Layout):`);
  for (const v of fresh) console.error(`  ${describe(v)}`);
  process.exit(1);
}
console.log(`Import layers: no new violations (${found.length} known, listed in ${path.basename(KNOWN)}).`);
