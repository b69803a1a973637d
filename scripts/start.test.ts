import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../db/testing/test-db";
import { TSX_NODE_ARGS } from "./node/tsx";

/** Runs the real start script and collects what a user would see. */
function start(env: Record<string, string>, mode: "dev" | "start" = "dev"): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...TSX_NODE_ARGS, path.resolve("scripts/start.ts"), mode], {
      env: { ...process.env, DATABASE_URL: "", TE_DATA_DIR: path.resolve(".data/test-start"), ...env },
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

function occupy(): Promise<{ port: number; close: () => void }> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({ port, close: () => server.close() });
    });
  });
}

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

describe("start script failures end with one clear message and a non-zero exit", () => {
  it("names the app port that is already in use", async () => {
    const busy = await occupy();
    const { code, output } = await start({ PORT: String(busy.port) });
    busy.close();
    expect(code).toBe(1);
    expect(output).toContain(`Port ${busy.port} is already in use`);
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
  });

  it.each([
    ["TRUSTED_PROXIES", "loopback", "not an IP address, a CIDR range or a hop count"],
    ["AUTH_SESSION_MAX_AGE_HOURS", "forever", "give a number of hours"],
    // Read lazily, this one used to start a server that printed "Ready" and answered 500 to everything.
    ["CRON_SECRET", "too-short", "CRON_SECRET must be at least 32 characters"],
    ["TRACE_STREAMS_MAX", "0", "TRACE_STREAMS_MAX"],
    ["INGEST_MAX_CONCURRENT", "many", "INGEST_MAX_CONCURRENT"],
  ])("refuses an invalid %s before starting anything", async (name, value, message) => {
    const { code, output } = await start({ PORT: "3196", [name]: value });
    expect(code).toBe(1);
    expect(output).toContain(message);
    expect(output).not.toMatch(/\n\s+at /);
  });

  it("names the embedded Postgres port that is already in use", async () => {
    const busy = await occupy();
    const { code, output } = await start({ PORT: "3197", EMBEDDED_PG_PORT: String(busy.port) });
    busy.close();
    expect(code).toBe(1);
    expect(output).toContain(`Port ${busy.port} is already in use, so the embedded PostgreSQL cannot start`);
  });

  it("says an unreachable DATABASE_URL cannot be reached, without its password", async () => {
    const closed = await occupy();
    closed.close();
    const { code, output } = await start({ PORT: "3197", DATABASE_URL: `postgres://app:hunter2@127.0.0.1:${closed.port}/traces` });
    expect(code).toBe(1);
    expect(output).toContain("Cannot reach the database at postgres://app:****@127.0.0.1");
    expect(output).not.toContain("hunter2");
    expect(output).not.toMatch(/\n\s+at /);
  });

  it("reports a failed migration", async () => {
    await t.sql.unsafe(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'no_ddl') THEN CREATE ROLE no_ddl LOGIN PASSWORD 'no_ddl'; END IF;
    END $$`);
    const url = new URL(t.url);
    url.username = "no_ddl";
    url.password = "no_ddl";
    // A fresh database the role can connect to but not create tables in.
    const fresh = `${url.pathname}_empty`;
    await t.sql.unsafe(`CREATE DATABASE "${fresh.slice(1)}"`);
    url.pathname = fresh;
    const { code, output } = await start({ PORT: "3197", DATABASE_URL: url.toString(), AUTH_SECRET: "x".repeat(32) });
    await t.sql.unsafe(`DROP DATABASE "${fresh.slice(1)}" WITH (FORCE)`);
    expect(code).toBe(1);
    expect(output).toContain("Migrating the database failed");
    expect(output).toMatch(/permission denied/);
  });
});
