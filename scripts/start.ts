import { StartupError } from "../db/embedded";
import { runMigrations } from "../db/migrate";
import { openDatabase, redactUrl, type Database } from "./startup/database";
import { provisionAppRole } from "../db/app-role";
import { seedDemoOnFirstStart } from "./startup/demo";
import { describeError } from "./startup/describe-error";
import { LocalState } from "./startup/local-state";
import { environmentProblems } from "./startup/environment-check";
import { assertPortFree, buildIfStale, startNext, waitUntilServing } from "./startup/next-server";

/**
 * `npm run dev` and `npm start`: the database (embedded unless DATABASE_URL is set),
 * migrations, demo data on the first embedded start, then the Next.js server. This process
 * owns the embedded Postgres for the app's whole life and stops it on exit.
 */
const mode = process.argv[2] === "dev" ? "dev" : "start";
const log = (line: string) => console.log(`[trace-explorer] ${line}`);

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const state = new LocalState();

  let db: Database | undefined;
  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    if (db?.embedded) log("Stopping the embedded PostgreSQL…");
    await db?.stop();
    process.exit(code);
  };

  try {
    // Settings the app reads per request: a mistake stops the start, not every request. What
    // this script fills in when unset (the database URL, the secrets) is valid by construction.
    const problems = environmentProblems({
      ...process.env,
      DATABASE_URL: process.env.DATABASE_URL || "postgres://generated-by-start",
      AUTH_SECRET: process.env.AUTH_SECRET ?? "generated-by-start".repeat(2),
    });
    if (problems.length > 0) throw new StartupError(`Invalid settings, nothing started:\n  ${problems.join("\n  ")}`);
    await assertPortFree(port);
    if (mode === "start") buildIfStale(log);
    db = await openDatabase(state);
    log(db.embedded ? "Embedded PostgreSQL is running." : `Using DATABASE_URL ${redactUrl(db.url)}.`);
    try {
      await runMigrations(db.url);
    } catch (cause) {
      throw new StartupError(`Migrating the database failed: ${describeError(cause)}`, { cause });
    }
    const logins = db.embedded ? await seedDemoOnFirstStart(db.url, state, log) : [];
    // The app runs as te_app, never as the owner (README "Security model"); the owner's URL
    // stays for the retention purge's own session.
    const appUrl = process.env.DATABASE_APP_URL ?? (db.embedded ? await provisionAppRole(db.url, state.secret("app-db")) : undefined);
    if (!appUrl) {
      log(
        "WARNING: DATABASE_APP_URL is not set, so the app runs as the owner in DATABASE_URL, which can switch the " +
          'audit log\'s append-only trigger off. Give te_app a login and set DATABASE_APP_URL (README "Running against your own PostgreSQL").',
      );
    }

    const authSecret = process.env.AUTH_SECRET ?? (db.embedded ? state.secret("auth") : undefined);
    if (!authSecret) throw new StartupError("AUTH_SECRET must be set when DATABASE_URL points at your own database.");
    // Keys the audit chain (lib/audit/mac.ts); kept outside the database on purpose.
    const auditKey = process.env.AUDIT_HMAC_KEY ?? (db.embedded ? state.secret("audit-hmac") : undefined);
    if (!auditKey) throw new StartupError("AUDIT_HMAC_KEY must be set when DATABASE_URL points at your own database.");
    const cronSecret = process.env.CRON_SECRET ?? (db.embedded ? state.secret("cron") : undefined);
    const child = startNext(mode, port, {
      ...process.env,
      DATABASE_URL: db.url,
      ...(appUrl ? { DATABASE_APP_URL: appUrl } : {}),
      AUTH_SECRET: authSecret,
      AUDIT_HMAC_KEY: auditKey,
      AUDIT_HEAD_FILE: process.env.AUDIT_HEAD_FILE ?? state.file("audit-head.jsonl"),
      CRON_SECRET: cronSecret,
      // The embedded default has no external scheduler: purge and tail sampling run in-process.
      TE_SCHEDULER: process.env.TE_SCHEDULER ?? (db.embedded ? "on" : "off"),
      AUTH_TRUST_HOST: process.env.AUTH_TRUST_HOST ?? "true",
      NEXT_TELEMETRY_DISABLED: "1",
    });
    process.on("SIGINT", () => child.kill("SIGTERM"));
    process.on("SIGTERM", () => child.kill("SIGTERM"));
    child.on("exit", (code, signal) => void shutdown(signal === "SIGTERM" || signal === "SIGINT" ? 0 : (code ?? 1)));

    await waitUntilServing(port, child);
    const lines = [
      "",
      `Trace Explorer is running at http://localhost:${port}`,
      `Database: ${db.embedded ? db.url : redactUrl(db.url)}${db.embedded ? `  (also in ${state.file("database-url")})` : ""}`,
    ];
    if (logins.length > 0) {
      lines.push(`Demo logins (also in ${state.file("demo-logins.json")}):`);
      for (const l of logins) lines.push(`  ${l.role.padEnd(14)} ${l.email.padEnd(26)} ${l.password}${l.tenants.length ? `  tenants: ${l.tenants.join(", ")}` : ""}`);
    }
    if (cronSecret) {
      const secret = process.env.CRON_SECRET ? "$CRON_SECRET" : `$(cat '${state.file("cron.secret")}')`;
      lines.push(
        `Retention purge (ADR-010): ${db.embedded && !process.env.TE_SCHEDULER ? "runs hourly in-process; " : ""}run it now with`,
        `  curl -X POST -H "Authorization: Bearer ${secret}" http://localhost:${port}/api/cron/retention`,
      );
    } else {
      lines.push("Retention purge: set CRON_SECRET (32+ characters) to enable POST /api/cron/retention for your scheduler.");
    }
    const otlpPort = process.env.INGEST_OTLP_PORT;
    lines.push(
      `Send spans (OTLP/HTTP): http://localhost:${port}/v1/traces${otlpPort ? ` or the OTLP port, http://localhost:${otlpPort}/v1/traces` : " (INGEST_OTLP_PORT=4318 adds the OTLP port)"},`,
      "  with a key from: npm run ingest-key -- create --tenant <id>",
      "Press Ctrl-C to stop.",
      "",
    );
    console.log(lines.join("\n"));
  } catch (error) {
    const message = error instanceof StartupError ? error.message : `Unexpected failure: ${(error as Error).message}`;
    console.error(`\n[trace-explorer] ${message}`);
    await shutdown(1);
  }
}

void main();
