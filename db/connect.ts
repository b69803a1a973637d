import net from "node:net";
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

/**
 * postgres.js opens its sockets with Nagle's algorithm on, so a small write (a short COPY, a
 * one-row insert) waits ~40 ms for the server's delayed ACK. Handing it a socket opened with
 * `noDelay` removes that stall. The socket is returned before it connects: writes queue until
 * then, and postgres.js's own error, close and connect-timeout handling stay in charge.
 */
function noDelaySocket(options: { host: string[]; port: number[]; path?: string }): net.Socket {
  return options.path
    ? net.connect({ path: options.path })
    : net.connect({ host: options.host[0], port: options.port[0] ?? 5432, noDelay: true });
}

/** A postgres.js client with the settings every part of the app relies on. */
export function connect(url: string, options: ConnectOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? "trace-explorer" },
    // bigint columns (span ids, nanosecond durations) must not lose precision.
    types: { bigint: postgres.BigInt },
    // Not in postgres.js's published types, but part of its documented options. A URL with
    // several hosts (failover) keeps postgres.js's own sockets, which rotate through them.
    ...(/@[^/]*,/.test(url) ? {} : ({ socket: noDelaySocket } as object)),
  });
}

/**
 * drizzle over a client of its own: drizzle replaces the client's date and JSON parsers with
 * pass-throughs, which would change what raw queries on a shared client return.
 */
export function makeDb(url: string, options: ConnectOptions = {}) {
  return drizzle(connect(url, options), { schema });
}
