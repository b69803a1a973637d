import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbedded, type EmbeddedServer } from "../embedded";
import { runMigrations } from "../migrate";
import { connect } from "../connect";
import { freePort } from "./free-port";
import { TEMPLATE_DATABASE } from "./test-db";

let server: EmbeddedServer | undefined;
let dir: string | undefined;

/**
 * One embedded PostgreSQL for the whole run, with a migrated template database; each test
 * file clones the template into a database of its own (see test-db.ts).
 */
export async function setup(project: TestProject) {
  // A cluster of this run's own, removed at the end: runs in parallel do not share state.
  dir = path.resolve(process.env.TEST_PG_DIR ?? ".data/test-postgres", String(process.pid));
  fs.rmSync(dir, { recursive: true, force: true });
  const port = process.env.TEST_PG_PORT ? Number(process.env.TEST_PG_PORT) : await freePort();
  server = await startEmbedded({ dir, port, database: "postgres", logFile: path.join(dir, "postgres.log") });
  const admin = connect(server.url, { max: 1 });
  try {
    await admin.unsafe(`CREATE DATABASE "${TEMPLATE_DATABASE}"`);
  } finally {
    await admin.end();
  }
  await runMigrations(server.url.replace(/\/postgres$/, `/${TEMPLATE_DATABASE}`));
  project.provide("pgAdminUrl", server.url);
}

export async function teardown() {
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}
