import "server-only";
import type { Sql } from "@/db/connect";

/** One entry of the ingest isolation log, as the admins' tenants page lists it. */
export interface IsolationLogRow {
  at: Date;
  reason: string;
  /** 32 hex digits, as traces are linked. */
  traceId: string;
  /** The tenant the spans were for (the newcomer, for a shared trace id). */
  claimedTenant: string | null;
  /** The tenant already holding the trace id, or the key's own tenant. */
  ownerTenant: string | null;
  keyName: string | null;
  keyPrefix: string | null;
  spans: number;
}

/**
 * The newest isolation violations: attempts to write across tenants, and traces one tenant
 * started under an id another tenant held. For admins only: the tenants involved are never
 * told (a trace id is no claim on another tenant's data, and its existence no answer).
 */
export async function recentIsolationViolations(sql: Sql, limit = 100): Promise<IsolationLogRow[]> {
  return sql<IsolationLogRow[]>`
    SELECT v.at, v.reason, replace(v.trace_id::text, '-', '') AS "traceId", v.claimed_tenant AS "claimedTenant",
           v.owner_tenant AS "ownerTenant", k.name AS "keyName", k.prefix AS "keyPrefix", v.spans
    FROM ingest_isolation_violations v LEFT JOIN ingest_keys k ON k.id = v.key_id
    ORDER BY v.at DESC, v.id DESC
    LIMIT ${limit}`;
}
