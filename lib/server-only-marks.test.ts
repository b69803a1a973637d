import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Every module of lib/ that talks to the database is marked `import "server-only"` (or is a
 * `"use server"` action file), so that no client component can pull database code into the
 * browser bundle: the build fails instead.
 */
const root = path.resolve(import.meta.dirname, "..");

/** Opens a pool or a transaction, or sends a query (a tagged template on a connection or transaction). */
const TALKS_TO_DATABASE = /\b(getSql|getDb|getStreamSql|withTenantScope|connect|makeDb)\(|\b(tx|sql|db)(<[^>\n]*>)?`|\bdb\.(select|insert|update|delete|transaction)\b|\.begin\(|\.unsafe\(/;
const MARKED = /^(import "server-only";|"use server";)/;

function unmarked(files: Record<string, string>): string[] {
  return Object.entries(files)
    .filter(([, text]) => TALKS_TO_DATABASE.test(text) && !MARKED.test(text))
    .map(([file]) => file);
}

function libSources(): Record<string, string> {
  const files = readdirSync(path.join(root, "lib"), { recursive: true, encoding: "utf8" }).filter(
    (f) => /\.tsx?$/.test(f) && !f.endsWith(".d.ts") && !/\.test\.tsx?$/.test(f) && !f.split(path.sep).includes("testing") && !f.includes("fixtures"),
  );
  return Object.fromEntries(files.map((f) => [path.join("lib", f), readFileSync(path.join(root, "lib", f), "utf8")]));
}

describe("server-only", () => {
  it("marks every lib/ module that talks to the database", () => {
    expect(unmarked(libSources())).toEqual([]);
  });

  it("tells a query, a pool and a transaction from code that only names the types", () => {
    expect(
      unmarked({
        "query.ts": 'import type { Sql } from "postgres";\nexport const f = (sql: Sql) => sql`SELECT 1`;',
        "typed.ts": "export const f = (tx: Tx) => tx<{ n: number }[]>`SELECT 1 AS n`;",
        "pool.ts": 'import { getSql } from "@/lib/db/client";\nexport const f = () => getSql();',
        "marked.ts": 'import "server-only";\nexport const f = (sql: Sql) => sql`SELECT 1`;',
        "action.ts": '"use server";\nexport async function f() { return getDb(); }',
        "types-only.ts": 'import type { Sql } from "postgres";\nexport type Runner = (sql: Sql) => Promise<void>;',
      }),
    ).toEqual(["query.ts", "typed.ts", "pool.ts"]);
  });
});
