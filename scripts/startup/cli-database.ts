import fs from "node:fs";
import path from "node:path";

/** Thrown when a command-line tool has no database to talk to; its message says what to do. */
export class NoDatabaseError extends Error {}

/**
 * The database a command-line tool (seed, ingest-key, simulate, audit:verify) works on:
 * DATABASE_URL, else the one `npm start` / `npm run dev` wrote to <TE_DATA_DIR or .data>/database-url.
 */
export function cliDatabaseUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const file = path.resolve(process.env.TE_DATA_DIR ?? ".data", "database-url");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  throw new NoDatabaseError(`No database: DATABASE_URL is not set and ${file} does not exist. Start the app once (npm start) or set DATABASE_URL.`);
}
