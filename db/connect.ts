import postgres from "postgres";
import { drizzle } from "drizzle-orm/postgres-js";
import * as schema from "./schema";

export type Sql = postgres.Sql;
export type Db = ReturnType<typeof makeDb>;

export interface ConnectOptions {
  max?: number;
  /** Short name shown in pg_stat_activity, to tell the app, ingest and scripts apart. */
  applicationName?: string;
}

/** A postgres.js client with the settings every part of the app relies on. */
export function connect(url: string, options: ConnectOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? "trace-explorer" },
    // bigint columns (span ids, nanosecond durations) must not lose precision.
    types: { bigint: postgres.BigInt },
  });
}

/**
 * drizzle over a client of its own: drizzle replaces the client's date and JSON parsers with
 * pass-throughs, which would change what raw queries on a shared client return.
 */
export function makeDb(url: string, options: ConnectOptions = {}) {
  return drizzle(connect(url, options), { schema });
}
