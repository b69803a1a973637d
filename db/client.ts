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
    const sql = connect(env().DATABASE_URL, { max: env().DATABASE_POOL_MAX });
    globalForDb.traceExplorerDb = { sql, db: makeDb(sql) };
  }
  return globalForDb.traceExplorerDb;
}

export function getSql(): Sql {
  return client().sql;
}

export function getDb(): Db {
  return client().db;
}
