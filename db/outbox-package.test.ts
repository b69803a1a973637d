import { randomBytes } from "node:crypto";
import { applyOutboxSchema } from "@trace-explorer/tracing/outbox";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type Sql } from "./connect";
import { schemaCatalog } from "./testing/catalog";
import { createTestDatabase, type TestDatabase } from "./testing/test-db";

/**
 * The tracing library ships its outbox table as SQL of its own (packages/tracing/sql/outbox.sql)
 * for services without the explorer's migrations; the explorer keeps creating it by migration
 * (db/schema-tracing.ts). Both must make the same table, or the library's emitEvent and relay
 * would meet a table they were not tested against.
 */
const outboxLines = (lines: string[]) => lines.filter((line) => /\boutbox_events\b/.test(line));

let migrated: TestDatabase;
let fromPackage: Sql;
let fromPackageName: string;

beforeAll(async () => {
  migrated = await createTestDatabase();
  fromPackageName = `outbox_package_${randomBytes(6).toString("hex")}`;
  const admin = connect(inject("pgAdminUrl"), { max: 1 });
  await admin.unsafe(`CREATE DATABASE "${fromPackageName}" TEMPLATE template0`);
  await admin.end();
  fromPackage = connect(inject("pgAdminUrl").replace(/\/postgres$/, `/${fromPackageName}`), { max: 1 });
  await applyOutboxSchema(fromPackage);
});

afterAll(async () => {
  await fromPackage.end({ timeout: 5 });
  await migrated.drop();
  const admin = connect(inject("pgAdminUrl"), { max: 1 });
  await admin.unsafe(`DROP DATABASE IF EXISTS "${fromPackageName}" WITH (FORCE)`);
  await admin.end();
});

describe("the tracing package's outbox SQL and the explorer's migration", () => {
  it("create the same table: columns, defaults, checks and indexes", async () => {
    const fromMigrations = outboxLines(await schemaCatalog(migrated.sql));
    expect(fromMigrations.length).toBeGreaterThan(15);
    expect(await schemaCatalog(fromPackage)).toEqual(fromMigrations);
  });

  it("notice when one side changes a check", async () => {
    await fromPackage`ALTER TABLE outbox_events DROP CONSTRAINT outbox_request_id_format`;
    await fromPackage`ALTER TABLE outbox_events ADD CONSTRAINT outbox_request_id_format CHECK (request_id <> '')`;
    expect(await schemaCatalog(fromPackage)).not.toEqual(outboxLines(await schemaCatalog(migrated.sql)));
  });
});
