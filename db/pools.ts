import "server-only";
import { connect, makeDb, type Db, type Sql } from "./connect";

/**
 * The backstop for a transaction this process stops driving (an abandoned download, a bug):
 * Postgres ends the session after a minute idle inside it. No request of the app leaves its
 * transaction idle that long; trace downloads cut theirs much sooner (lib/traces/trace/transaction-stream.ts).
 */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

/** Where the pools connect and how many connections they share; the app reads them from its environment. */
export interface PoolSettings {
  url: string;
  poolMax: number;
}

export interface AppPools {
  /** Trace reads and ingest: raw SQL, most of the connections. */
  sql: Sql;
  /** Users, tenants, keys and audit through drizzle: few, short queries. */
  db: Db;
  /**
   * The pool of trace downloads (export, span stream), `max` connections and no more, opened on
   * first use: a download holds its connection while its client reads, so downloads never take
   * one from the pools above, which sign-in, the audit log, health, search and ingest use.
   */
  streams(max: number): Sql;
}

export function openAppPools({ url, poolMax }: PoolSettings): AppPools {
  let streams: Sql | undefined;
  return {
    sql: connect(url, { max: poolMax, idleInTransactionTimeoutMs: IDLE_IN_TRANSACTION_TIMEOUT_MS }),
    db: makeDb(url, { max: Math.max(2, Math.ceil(poolMax / 4)), idleInTransactionTimeoutMs: IDLE_IN_TRANSACTION_TIMEOUT_MS }),
    streams: (max) =>
      (streams ??= connect(url, {
        max,
        applicationName: "trace-explorer-streams",
        // Downloads are occasional: their connections are not kept open between them.
        idleTimeoutSeconds: 30,
        idleInTransactionTimeoutMs: IDLE_IN_TRANSACTION_TIMEOUT_MS,
      })),
  };
}
