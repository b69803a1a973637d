import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { connect } from "../../db/connect";
import { startEmbedded, type EmbeddedServer } from "../../db/embedded";
import { runMigrations } from "../../db/migrate";
import { provisionAppRole } from "../../db/app-role";
import { buildIfStale, startNext, waitUntilServing } from "../startup/next-server";
import { sleep } from "./stats";

export interface StackOptions {
  dataDir: string;
  port: number;
  pgPort: number;
  log: (line: string) => void;
}

/**
 * The app as production runs it, with its parts held separately so faults can hit each: the
 * embedded Postgres owned by this process (stop and start it at will) and the Next production
 * server as a child pointed at it with DATABASE_URL (kill it, start it again).
 */
export class Stack {
  readonly cronSecret = randomBytes(24).toString("base64url");
  readonly baseUrl: string;
  private readonly authSecret = randomBytes(32).toString("base64url");
  // As in production (README "Security model"): the app runs as te_app, its audit rows keyed.
  private readonly auditKey = randomBytes(32).toString("base64url");
  private appDatabaseUrl: string | undefined;
  private pg: EmbeddedServer | undefined;
  private app: ChildProcess | undefined;
  private appLog: number | undefined;
  databaseUrl = "";

  constructor(private readonly options: StackOptions) {
    // Auth.js hands out redirects and cookies for localhost (STACK.md), so users browse it too.
    this.baseUrl = `http://localhost:${options.port}`;
  }

  /** Uncaught exceptions the server logged so far (Next logs them and keeps serving). */
  uncaughtExceptions(): string[] {
    const file = path.join(this.options.dataDir, "app.log");
    if (!fs.existsSync(file)) return [];
    const lines = fs.readFileSync(file, "utf8").split("\n");
    return lines.flatMap((line, i) => (line.includes("uncaughtException") ? [`${line.trim()} ${lines[i + 1]?.trim() ?? ""}`] : []));
  }

  get appPid(): number | undefined {
    return this.app?.exitCode === null ? this.app.pid : undefined;
  }

  async start(): Promise<void> {
    const { dataDir, log } = this.options;
    // Every run starts from scratch, but never wipes a folder that is not an earlier soak's.
    const entries = fs.existsSync(dataDir) ? fs.readdirSync(dataDir) : [];
    if (entries.length > 0 && !entries.includes("postgres") && !entries.includes("app.log")) {
      throw new Error(`${dataDir} is not empty and not a soak data folder; choose another --data-dir`);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
    fs.chmodSync(dataDir, 0o755);
    buildIfStale(log);
    await this.startPostgres();
    await explainSlowAnswersInLog(this.databaseUrl);
    await runMigrations(this.databaseUrl);
    this.appDatabaseUrl = await provisionAppRole(this.databaseUrl, randomBytes(32).toString("base64url"));
    this.appLog = fs.openSync(path.join(dataDir, "app.log"), "a");
  }

  async startPostgres(): Promise<void> {
    const { dataDir, pgPort } = this.options;
    this.pg = await startEmbedded({ dir: path.join(dataDir, "postgres"), port: pgPort, database: "trace_explorer", logFile: path.join(dataDir, "postgres.log") });
    this.databaseUrl = this.pg.url;
  }

  /** A fast shutdown (SIGINT): sessions are cut and open transactions rolled back. */
  async stopPostgres(): Promise<void> {
    await this.pg?.stop();
    this.pg = undefined;
  }

  async startApp(): Promise<void> {
    const { port } = this.options;
    const out = this.appLog ?? "inherit";
    this.app = startNext(
      "start",
      port,
      {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: this.databaseUrl,
        ...(this.appDatabaseUrl ? { DATABASE_APP_URL: this.appDatabaseUrl } : {}),
        AUTH_SECRET: this.authSecret,
        AUDIT_HMAC_KEY: this.auditKey,
        AUDIT_HEAD_FILE: path.join(this.options.dataDir, "audit-head.jsonl"),
        CRON_SECRET: this.cronSecret,
        AUTH_TRUST_HOST: "true",
        TE_SCHEDULER: "on",
        LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
        NEXT_TELEMETRY_DISABLED: "1",
      },
      ["ignore", out, out],
    );
    await waitUntilServing(port, this.app);
  }

  /** SIGKILL: no graceful shutdown, requests in flight are cut off mid-write. */
  async killApp(): Promise<void> {
    const app = this.app;
    if (!app || app.exitCode !== null || app.signalCode !== null) return;
    const exited = new Promise((r) => app.once("exit", r));
    app.kill("SIGKILL");
    await exited;
  }

  async stop(): Promise<void> {
    const app = this.app;
    if (app && app.exitCode === null && app.signalCode === null) {
      const exited = new Promise((r) => app.once("exit", r));
      app.kill("SIGTERM");
      await Promise.race([exited, sleep(10_000)]);
      if (app.exitCode === null && app.signalCode === null) await this.killApp();
    }
    if (this.appLog !== undefined) fs.closeSync(this.appLog);
    this.appLog = undefined;
    await this.stopPostgres();
  }
}

/**
 * postgres.log then names what made an answer slow: a lock wait over 100 ms (with who holds the
 * lock) or a statement over 250 ms. Set once in the cluster's configuration, so a restart keeps it.
 */
async function explainSlowAnswersInLog(databaseUrl: string): Promise<void> {
  const sql = connect(databaseUrl, { max: 1, applicationName: "trace-explorer-soak-setup" });
  try {
    await sql`ALTER SYSTEM SET log_lock_waits = on`;
    await sql`ALTER SYSTEM SET deadlock_timeout = '100ms'`;
    await sql`ALTER SYSTEM SET log_min_duration_statement = '250ms'`;
    await sql`SELECT pg_reload_conf()`;
  } finally {
    await sql.end();
  }
}
