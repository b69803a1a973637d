import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The package stands on its own: it imports nothing of the app that hosts it, declares every
// library it imports, and its core loads none of the adapters' libraries, so a service that
// uses neither pg-boss nor postgres nor pino need not install them.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
  exports: Record<string, string>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
const IMPORT = /(?:^|\n)\s*(?:import|export)\s(?:[^"';]*?\sfrom\s)?"([^"]+)"|import\("([^"]+)"\)/g;
const ADAPTER_LIBRARIES = Object.keys(manifest.peerDependenciesMeta);

function specifiers(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  return [...text.matchAll(IMPORT)].map((m) => (m[1] ?? m[2])!);
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

function resolveLocal(from: string, specifier: string): string {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [`${base}.ts`, path.join(base, "index.ts"), base]) if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  throw new Error(`${path.relative(root, from)} imports ${specifier}, which does not exist`);
}

const packageName = (specifier: string) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");

/** Every bare module the entry loads at run time, following its relative imports (type-only imports load nothing). */
function runtimeLibraries(entry: string): Set<string> {
  const seen = new Set<string>();
  const libraries = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = fs.readFileSync(file, "utf8").replace(/(?:^|\n)\s*(?:import|export)\s+type\s[^;]*;/g, "");
    for (const m of text.matchAll(IMPORT)) {
      const specifier = (m[1] ?? m[2])!;
      if (specifier.startsWith(".")) {
        if (!specifier.endsWith(".json")) visit(resolveLocal(file, specifier));
      } else if (!specifier.startsWith("node:")) libraries.add(packageName(specifier));
    }
  };
  visit(entry);
  return libraries;
}

describe("the package boundary", () => {
  const files = sourceFiles(path.join(root, "src"));

  it("imports nothing outside the package but declared libraries and node builtins", () => {
    const declared = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]);
    const problems: string[] = [];
    for (const file of files) {
      for (const specifier of specifiers(file)) {
        if (specifier.startsWith(".")) {
          if (!resolveLocal(file, specifier).startsWith(path.join(root, "src"))) problems.push(`${path.relative(root, file)} reaches out to ${specifier}`);
        } else if (!specifier.startsWith("node:") && !declared.has(packageName(specifier))) {
          problems.push(`${path.relative(root, file)} imports undeclared ${specifier}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("has an existing file behind every export", () => {
    for (const [subpath, target] of Object.entries(manifest.exports)) expect(fs.existsSync(path.join(root, target)), subpath).toBe(true);
  });

  it("loads no adapter library from the core, and each adapter only its own", () => {
    const entry = (subpath: string) => path.join(root, manifest.exports[subpath]!);
    const adapters = (subpath: string) => [...runtimeLibraries(entry(subpath))].filter((l) => ADAPTER_LIBRARIES.includes(l)).sort();
    expect(adapters(".")).toEqual([]);
    expect(adapters("./next")).toEqual([]);
    expect(adapters("./node-http")).toEqual([]);
    expect(adapters("./redaction")).toEqual([]);
    expect(adapters("./logger")).toEqual(["pino"]);
    // Both log through the pino logger unless given another; their database clients are the caller's.
    expect(adapters("./pg-boss")).toEqual(["pino"]);
    expect(adapters("./outbox")).toEqual(["pino"]);
  });

  it("keeps the tenant-id rule free of imports, so browser code can load it", () => {
    expect(specifiers(path.join(root, manifest.exports["./tenant-id"]!))).toEqual([]);
  });

  it("finds an adapter library the core would load", () => {
    const probe = path.join(root, "src", "probe-core-import.ts");
    fs.writeFileSync(probe, 'import "./core";\nimport PgBoss from "pg-boss";\nexport { PgBoss };\n');
    try {
      expect([...runtimeLibraries(probe)]).toContain("pg-boss");
    } finally {
      fs.rmSync(probe);
    }
  });
});
