import { connect } from "../../db/connect";
import { startEmbedded, StartupError, type EmbeddedServer } from "../../db/embedded";
import type { LocalState } from "./local-state";

export interface Database {
  url: string;
  embedded: boolean;
  stop: () => Promise<void>;
}

/** Hides the password when a URL is printed or put in an error message. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "****";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}

async function assertReachable(url: string): Promise<void> {
  const sql = connect(url, { max: 1, applicationName: "trace-explorer-start" });
  try {
    await sql`SELECT 1`;
  } catch (cause) {
    const reason = (cause as Error).message;
    throw new StartupError(`Cannot reach the database at ${redactUrl(url)}: ${reason}`, { cause });
  } finally {
    await sql.end({ timeout: 2 });
  }
}

/** DATABASE_URL when set (never starting Postgres), otherwise the embedded default. */
export async function openDatabase(state: LocalState): Promise<Database> {
  const external = process.env.DATABASE_URL;
  if (external) {
    await assertReachable(external);
    return { url: external, embedded: false, stop: async () => {} };
  }
  const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    throw new StartupError(`EMBEDDED_PG_PORT must be a port number from 1024 to 65535, not "${process.env.EMBEDDED_PG_PORT}".`);
  }
  const server: EmbeddedServer = await startEmbedded({
    dir: state.file("postgres"),
    port,
    database: "trace_explorer",
    logFile: state.file("postgres.log"),
  });
  state.writeDatabaseUrl(server.url);
  return { url: server.url, embedded: true, stop: server.stop };
}
