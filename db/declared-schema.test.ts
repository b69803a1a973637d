import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { generateDrizzleJson, generateMigration } from "drizzle-kit/api";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type Sql } from "./connect";
import { schemaCatalog } from "./testing/catalog";
import { createTestDatabase, type TestDatabase } from "./testing/test-db";

/**
 * The schema files (db/schema*.ts, what drizzle-kit reads) and the migrations describe the
 * same database: the SQL drizzle-kit would write from the schema files alone, applied to an
 * empty database, leaves the same columns, constraints and indexes as every migration applied
 * in order. A column or index a migration adds by hand and the schema files lack fails here,
 * so `drizzle-kit generate` never proposes dropping it.
 */
const dbDir = path.dirname(fileURLToPath(import.meta.url));

const SCHEMA_FILE = /^schema(-[a-z-]+)?\.ts$/;

async function schemaFileExports(): Promise<Record<string, unknown>> {
  // The same files drizzle.config.ts names: db/schema.ts and db/schema-*.ts.
  const files = fs.readdirSync(dbDir).filter((f) => SCHEMA_FILE.test(f));
  const modules = await Promise.all(files.map((f) => import(path.join(dbDir, f)) as Promise<Record<string, unknown>>));
  return Object.assign({}, ...modules);
}

/** The migrations' composite types (CREATE TYPE ... AS (...)), which the schema files' columns use and drizzle cannot declare. */
function compositeTypes(): string[] {
  const dir = path.join(dbDir, "migrations");
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .flatMap((f) => fs.readFileSync(path.join(dir, f), "utf8").split("--> statement-breakpoint"))
    .map((statement) => statement.replace(/^\s*--.*$/gm, "").trim())
    .filter((statement) => /^CREATE TYPE "?\w+"? AS \(/.test(statement));
}

let migrated: TestDatabase;
let fromFiles: Sql;
let fromFilesName: string;

beforeAll(async () => {
  migrated = await createTestDatabase();
  const adminUrl = inject("pgAdminUrl");
  fromFilesName = `schema_files_${randomBytes(6).toString("hex")}`;
  const admin = connect(adminUrl, { max: 1 });
  await admin.unsafe(`CREATE DATABASE "${fromFilesName}" TEMPLATE template0`);
  await admin.end();
  fromFiles = connect(adminUrl.replace(/\/postgres$/, `/${fromFilesName}`), { max: 1 });
  const statements = await generateMigration(generateDrizzleJson({}), generateDrizzleJson(await schemaFileExports()));
  for (const statement of [...compositeTypes(), ...statements]) await fromFiles.unsafe(statement);
});

afterAll(async () => {
  await fromFiles.end({ timeout: 5 });
  await migrated.drop();
  const admin = connect(inject("pgAdminUrl"), { max: 1 });
  await admin.unsafe(`DROP DATABASE IF EXISTS "${fromFilesName}" WITH (FORCE)`);
  await admin.end();
});

describe("the schema files declare what the migrations create", () => {
  it("every table, column, constraint, index and enum, the same on both sides", async () => {
    const fromMigrations = await schemaCatalog(migrated.sql);
    expect(fromMigrations.length).toBeGreaterThan(200);
    expect(await schemaCatalog(fromFiles)).toEqual(fromMigrations);
  });

  it("and the latest drizzle snapshot, so `drizzle-kit generate` writes no migration", async () => {
    // drizzle-kit loads every file its glob matches: a test there would make it fail to start.
    expect(fs.readdirSync(dbDir).filter((f) => f.startsWith("schema-") && !SCHEMA_FILE.test(f))).toEqual([]);
    const meta = path.join(dbDir, "migrations/meta");
    const latest = fs.readdirSync(meta).filter((f) => /^\d{4}_snapshot\.json$/.test(f)).sort().at(-1)!;
    const snapshot = JSON.parse(fs.readFileSync(path.join(meta, latest), "utf8")) as Parameters<typeof generateMigration>[0];
    expect(await generateMigration(snapshot, generateDrizzleJson(await schemaFileExports()))).toEqual([]);
  });

  it("notices a column, an index or a check that only a migration added", async () => {
    const before = await schemaCatalog(migrated.sql);
    await migrated.sql`ALTER TABLE traces ADD COLUMN hand_written text`;
    await migrated.sql`CREATE INDEX traces_hand_written_idx ON traces (hand_written) WHERE hand_written IS NOT NULL`;
    await migrated.sql`ALTER TABLE spans ADD CONSTRAINT spans_hand_written CHECK (kind < 100)`;
    const after = await schemaCatalog(migrated.sql);
    expect(after.filter((line) => !before.includes(line))).toEqual([
      "column traces.hand_written text",
      "constraint spans.spans_hand_written CHECK ((kind < 100))",
      "index CREATE INDEX traces_hand_written_idx ON traces USING btree (hand_written) WHERE (hand_written IS NOT NULL)",
    ]);
    expect(after).not.toEqual(await schemaCatalog(fromFiles));
  });
});
