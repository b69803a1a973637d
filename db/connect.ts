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
  /**
   * Postgres ends a session left idle inside a transaction this long (it holds a pool slot, its
   * locks and an old snapshot otherwise). Unset: the server's setting (off by default).
   */
  idleInTransactionTimeoutMs?: number;
  /** Seconds after which an unused connection is closed; unset: kept open. */
  idleTimeoutSeconds?: number;
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

/**
 * Seconds before postgres.js reconnects after `retries` failed connections. Its default grows to
 * 20 s, counted across the whole pool, and queries wait for the reconnect meanwhile: after a
 * 10 s database restart the app kept answering slowly and 503 for another 13 s (npm run
 * soak:pg-restart). Capped at one second, a request during an outage fails fast (503) and the
 * pool is back within a second of the database.
 */
export function reconnectDelaySeconds(retries: number): number {
  return (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, 1);
}

/** A postgres.js client with the settings every part of the app relies on. */
export function connect(url: string, options: ConnectOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    ...(options.idleTimeoutSeconds ? { idle_timeout: options.idleTimeoutSeconds } : {}),
    onnotice: () => {},
    backoff: reconnectDelaySeconds,
    connection: {
      application_name: options.applicationName ?? "trace-explorer",
      ...(options.idleInTransactionTimeoutMs ? { idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs } : {}),
    },
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
