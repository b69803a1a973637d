import "server-only";
import { env } from "@/lib/config/env";
import { connect, makeDb, type Db, type Sql } from "./connect";

interface Cached {
  sql: Sql;
  db: Db;
  streams?: Sql;
}

/**
 * The backstop for a transaction this process stops driving (an abandoned download, a bug):
 * Postgres ends the session after a minute idle inside it. No request of the app leaves its
 * transaction idle that long; trace downloads cut theirs much sooner (lib/traces/trace/transaction-stream.ts).
 */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

// Next's dev server re-evaluates modules on every change; keep one pool per process.
const globalForDb = globalThis as unknown as { traceExplorerDb?: Cached };

/**
 * Where the app's pools connect: the runtime role (te_app, migration 0018), which owns nothing
 * and cannot switch a trigger off. Only the retention purge's own session uses the owner.
 */
export function appDatabaseUrl(): string {
  const { DATABASE_APP_URL, DATABASE_URL } = env();
  return DATABASE_APP_URL ?? DATABASE_URL;
}

function client(): Cached {
  if (!globalForDb.traceExplorerDb) {
    const { DATABASE_POOL_MAX } = env();
    const url = appDatabaseUrl();
    globalForDb.traceExplorerDb = {
      // Trace reads and ingest: raw SQL, most of the connections.
      sql: connect(url, { max: DATABASE_POOL_MAX, idleInTransactionTimeoutMs: IDLE_IN_TRANSACTION_TIMEOUT_MS }),
      // Users, tenants, keys and audit through drizzle: few, short queries.
      db: makeDb(url, { max: Math.max(2, Math.ceil(DATABASE_POOL_MAX / 4)), idleInTransactionTimeoutMs: IDLE_IN_TRANSACTION_TIMEOUT_MS }),
    };
  }
  return globalForDb.traceExplorerDb;
}

export function getSql(): Sql {
  return client().sql;
}

export function getDb(): Db {
  return client().db;
}

/**
 * The pool of trace downloads (export, span stream), `max` connections and no more: a download
 * holds its connection while its client reads, so downloads never take one from the pools
 * above, which sign-in, the audit log, health, search and ingest use.
 */
export function getStreamSql(max: number): Sql {
  const cached = client();
  cached.streams ??= connect(appDatabaseUrl(), {
    max,
    applicationName: "trace-explorer-streams",
    // Downloads are occasional: their connections are not kept open between them.
    idleTimeoutSeconds: 30,
    idleInTransactionTimeoutMs: IDLE_IN_TRANSACTION_TIMEOUT_MS,
  });
  return cached.streams;
}
