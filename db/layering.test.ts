import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

/** Every TypeScript file under `folder`, relative to the repository root. */
function sources(folder: string): string[] {
  return readdirSync(path.join(root, folder), { recursive: true, encoding: "utf8" })
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith(".d.ts"))
    .map((f) => path.join(folder, f));
}

/** The top-level folder each import of `file` resolves to (`@/` is the root); packages are left out. */
function importedFolders(file: string): { specifier: string; folder: string }[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(path.join(root, file), "utf8"), true, true);
  return importedFiles.flatMap(({ fileName: specifier }) => {
    const target = specifier.startsWith("@/") ? specifier.slice(2) : specifier.startsWith(".") ? path.join(path.dirname(file), specifier) : null;
    return target === null ? [] : [{ specifier, folder: target.split(path.sep)[0]! }];
  });
}

function importsInto(folders: string[], forbidden: string[], skip: (file: string) => boolean = () => false): string[] {
  return folders
    .flatMap(sources)
    .filter((file) => !skip(file))
    .flatMap((file) => importedFolders(file).filter((i) => forbidden.includes(i.folder)).map((i) => `${file} → ${i.specifier}`));
}

describe("layers", () => {
  it("db/ imports nothing from the layers above it, nor from scripts", () => {
    expect(importsInto(["db"], ["lib", "components", "app", "scripts", "bench", "e2e"])).toEqual([]);
  });

  it("production code does not depend on the demo generator or any script", () => {
    const isTest = (file: string) => /\.test\.tsx?$/.test(file);
    expect(importsInto(["lib", "components", "app", "db"], ["scripts", "bench"], isTest)).toEqual([]);
  });

  it("sees the imports it checks (an import from lib in db would be reported)", () => {
    // Guards the check itself: a resolver that found nothing would pass the tests above.
    expect(importedFolders("lib/db/scoped.ts").map((i) => i.folder)).toEqual(expect.arrayContaining(["db", "lib"]));
    expect(importedFolders("scripts/demo/generate.ts").map((i) => i.folder)).toEqual(expect.arrayContaining(["db", "lib"]));
  });
});
