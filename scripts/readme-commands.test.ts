import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../db/testing/test-db";

/**
 * Every `npm run …` the README names must run (issue 19: `npm run db:migrate` pointed at a
 * file that did not exist). Each is run here on a fresh database, with a harmless argument
 * where the real thing takes minutes; the few that `npm test` itself runs, or that have a test
 * of their own, say where.
 */
const readme = fs.readFileSync("README.md", "utf8");
const scripts = (JSON.parse(fs.readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
const named = [...new Set([...readme.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!))].sort();

interface Run {
  args: string[];
  code: number;
  says: RegExp;
}
/** What each command is run with here, what it must exit with, and a line it must print. */
const runs: Record<string, Run> = {
  "db:migrate": { args: [], code: 0, says: /Migrations applied to postgres:/ },
  "db:generate": { args: [], code: 0, says: /No schema changes/ },
  seed: { args: ["--traces", "3", "--seed", "7"], code: 0, says: /3 traces/ },
  "ingest-key": { args: ["list"], code: 0, says: /./ },
  "audit:verify": { args: [], code: 0, says: /Audit chain intact/ },
  simulate: { args: ["--help"], code: 0, says: /Usage/ },
  // The benchmarks take minutes each: an unknown name shows the runner starts and lists them.
  bench: { args: ["no-such-bench"], code: 2, says: /Available: .*waterfall/ },
  soak: { args: ["--duration", "0"], code: 2, says: /Invalid soak options: --duration/ },
  "soak:pg-restart": { args: ["--duration", "0"], code: 2, says: /Invalid soak options: --duration/ },
  "soak:app-restart": { args: ["--duration", "0"], code: 2, says: /Invalid soak options: --duration/ },
};
/** Commands run elsewhere, where they fail the build if they do not run. */
const elsewhere: Record<string, string> = {
  dev: "scripts/start.test.ts starts scripts/start.ts dev",
  typecheck: "npm test runs it first (scripts/test-all.ts)",
  lint: "npm test runs it (scripts/test-all.ts)",
  "lint:layers": "npm run lint runs it; scripts/import-layers.test.ts runs its rules on a tree that breaks each",
};

let t: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  t = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "te-readme-"));
});
afterAll(async () => {
  await t.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function npmRun(name: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", name, "--", ...args], {
      env: { ...process.env, DATABASE_URL: t.url, TE_DATA_DIR: dataDir, AUDIT_HMAC_KEY: "", NODE_OPTIONS: "" },
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describe("the README's commands", () => {
  it("are all package scripts whose files exist, and each is run here or elsewhere", () => {
    expect(named.length).toBeGreaterThan(10);
    for (const name of named) {
      expect(scripts[name], `npm run ${name}`).toBeDefined();
      for (const file of scripts[name]!.match(/[\w./-]+\.(?:ts|mjs|js)\b/g) ?? []) expect(fs.existsSync(file), `${name}: ${file}`).toBe(true);
      expect(name in runs || name in elsewhere, `npm run ${name} is neither run here nor listed as run elsewhere`).toBe(true);
    }
  });

  it.each(Object.entries(runs))("npm run %s runs", async (name, run) => {
    const migrations = fs.readdirSync("db/migrations");
    const { code, output } = await npmRun(name, run.args);
    expect({ code, output }).toMatchObject({ code: run.code, output: expect.stringMatching(run.says) });
    expect(output).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // one message, no stack trace
    // db:generate must find the schema files and the migrations in step: it writes nothing.
    expect(fs.readdirSync("db/migrations")).toEqual(migrations);
  }, 120_000);
});
