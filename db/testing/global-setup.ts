import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbedded, type EmbeddedServer } from "../embedded";
import { runMigrations } from "../migrate";
import { connect } from "../connect";
import { TEMPLATE_DATABASE } from "./test-db";

let server: EmbeddedServer | undefined;

/**
 * One embedded PostgreSQL for the whole run, with a migrated template database; each test
 * file clones the template into a database of its own (see test-db.ts).
 */
export async function setup(project: TestProject) {
  const dir = path.resolve(process.env.TEST_PG_DIR ?? ".data/test-postgres");
  const port = Number(process.env.TEST_PG_PORT ?? 54339);
  server = await startEmbedded({ dir, port, database: "postgres", logFile: path.join(dir, "postgres.log") });
  const admin = connect(server.url, { max: 1 });
  try {
    const stale = await admin`SELECT datname FROM pg_database WHERE datname LIKE 'test_%' OR datname = ${TEMPLATE_DATABASE}`;
    for (const { datname } of stale) await admin.unsafe(`DROP DATABASE "${datname}" WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE "${TEMPLATE_DATABASE}"`);
  } finally {
    await admin.end();
  }
  await runMigrations(server.url.replace(/\/postgres$/, `/${TEMPLATE_DATABASE}`));
  project.provide("pgAdminUrl", server.url);
}

export async function teardown() {
  await server?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}
