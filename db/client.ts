import "server-only";
import { env } from "@/lib/config/env";
import { connect, makeDb, type Db, type Sql } from "./connect";

interface Cached {
  sql: Sql;
  db: Db;
}

// Next's dev server re-evaluates modules on every change; keep one pool per process.
const globalForDb = globalThis as unknown as { traceExplorerDb?: Cached };

function client(): Cached {
  if (!globalForDb.traceExplorerDb) {
    const { DATABASE_URL, DATABASE_POOL_MAX } = env();
    globalForDb.traceExplorerDb = {
      // Trace reads and ingest: raw SQL, most of the connections.
      sql: connect(DATABASE_URL, { max: DATABASE_POOL_MAX }),
      // Users, tenants, keys and audit through drizzle: few, short queries.
      db: makeDb(DATABASE_URL, { max: Math.max(2, Math.ceil(DATABASE_POOL_MAX / 4)) }),
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
