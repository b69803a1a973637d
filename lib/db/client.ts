import "server-only";
import type { Db, Sql } from "@/db/connect";
import { openAppPools, type AppPools } from "@/db/pools";
import { env } from "@/lib/config/env";

// Next's dev server re-evaluates modules on every change; keep one set of pools per process.
const globalForDb = globalThis as unknown as { traceExplorerDb?: AppPools };

/**
 * The app's pools, opened on first use from the validated environment. They connect as the
 * runtime role (te_app, migration 0018), which owns nothing and cannot switch a trigger off;
 * only the retention purge's own session uses the owner.
 */
function pools(): AppPools {
  if (!globalForDb.traceExplorerDb) {
    const { DATABASE_APP_URL, DATABASE_URL, DATABASE_POOL_MAX } = env();
    globalForDb.traceExplorerDb = openAppPools({ url: DATABASE_APP_URL ?? DATABASE_URL, poolMax: DATABASE_POOL_MAX });
  }
  return globalForDb.traceExplorerDb;
}

export function getSql(): Sql {
  return pools().sql;
}

export function getDb(): Db {
  return pools().db;
}

/** The pool of trace downloads (see AppPools.streams). */
export function getStreamSql(max: number): Sql {
  return pools().streams(max);
}
