import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "../../db/connect";
import { startEmbedded } from "../../db/embedded";
import { runMigrations } from "../../db/migrate";
import { freePort } from "../../db/testing/free-port";
import { seedDemoOnFirstStart } from "./demo";
import { LocalState } from "./local-state";

/** The embedded default across restarts: same cluster folder, same data, no second seed. */
const dir = path.resolve(".data/test-restart", String(process.pid));
let state: LocalState;

beforeAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  state = new LocalState(dir);
  process.env.DEMO_TRACES = "40";
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function startOnce(log: string[]) {
  const server = await startEmbedded({ dir: state.file("postgres"), port: await freePort(), database: "trace_explorer", logFile: state.file("pg.log") });
  try {
    await runMigrations(server.url);
    const logins = await seedDemoOnFirstStart(server.url, state, (line) => log.push(line));
    const sql = connect(server.url, { max: 1 });
    const [counts] = await sql`SELECT (SELECT count(*) FROM traces)::int AS traces, (SELECT count(*) FROM users)::int AS users`;
    await sql.end();
    return { logins, counts: counts as { traces: number; users: number } };
  } finally {
    await server.stop();
  }
}

describe("embedded default restarts", () => {
  it("seeds on the first start only and keeps data and logins across a restart", async () => {
    const firstLog: string[] = [];
    const first = await startOnce(firstLog);
    expect(firstLog.join("\n")).toContain("First start");
    expect(first.counts.traces).toBe(40);
    expect(first.logins.map((l) => l.role).sort()).toEqual(["admin", "auditor", "investigator", "tenant_viewer"]);
    expect(JSON.parse(fs.readFileSync(state.file("demo-logins.json"), "utf8"))).toEqual(first.logins);

    const secondLog: string[] = [];
    const second = await startOnce(secondLog);
    expect(secondLog).toEqual([]);
    expect(second.counts).toEqual(first.counts);
    expect(second.logins).toEqual(first.logins);
  }, 120_000);
});
