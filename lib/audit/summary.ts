import "server-only";
import type { Sql } from "@/db/connect";
import type { AuditFilters } from "./audit-params";
import { auditWhere, isTraceData } from "./query-filters";

export interface PrivilegedAccessSummary {
  actorId: string;
  email: string | null;
  /** The user's role now; null when the account has none or is gone. */
  currentRole: string | null;
  disabled: boolean;
  /** Roles the audit rows recorded at the time, when they differ from today's. */
  rolesSeen: string[];
  /** Tenants named by the user's allowed trace-data reads. */
  tenantsTouched: string[];
  traceDataAccesses: number;
  /** Allowed trace-data reads that named no tenant: by an all-tenant role, every tenant. */
  unscopedAccesses: number;
  deniedAttempts: number;
  lastTraceDataAccess: Date | null;
  lastSeen: Date;
}

/**
 * Per signed-in user in the window: what trace data they read, for which tenants, and what
 * they were refused. Action and outcome filters are not applied: the columns split by them.
 */
export async function privilegedAccessSummary(sql: Sql, filters: AuditFilters): Promise<PrivilegedAccessSummary[]> {
  const rows = await sql<(Omit<PrivilegedAccessSummary, "traceDataAccesses" | "unscopedAccesses" | "deniedAttempts"> & Record<"traceDataAccesses" | "unscopedAccesses" | "deniedAttempts", string>)[]>`
    WITH m AS (
      SELECT a.seq, a.at, a.actor_id, a.actor_email, a.role, a.tenants, a.outcome,
             (${isTraceData(sql)} AND a.outcome = 'allowed') AS read
      FROM audit_log a
      WHERE ${auditWhere(sql, filters, ["action", "outcome"])} AND a.actor_id IS NOT NULL
    ), touched AS (
      SELECT m.actor_id, array_agg(DISTINCT tenant ORDER BY tenant) AS tenants
      FROM m CROSS JOIN LATERAL unnest(m.tenants) AS tenant
      WHERE m.read
      GROUP BY m.actor_id
    )
    SELECT m.actor_id AS "actorId",
           (array_agg(m.actor_email ORDER BY m.seq DESC))[1] AS email,
           u.role::text AS "currentRole",
           coalesce(u.disabled, false) AS disabled,
           coalesce(array_agg(DISTINCT m.role) FILTER (WHERE m.role IS NOT NULL AND m.role IS DISTINCT FROM u.role::text), '{}') AS "rolesSeen",
           coalesce(t.tenants, '{}') AS "tenantsTouched",
           count(*) FILTER (WHERE m.read)::text AS "traceDataAccesses",
           count(*) FILTER (WHERE m.read AND cardinality(m.tenants) = 0)::text AS "unscopedAccesses",
           count(*) FILTER (WHERE m.outcome = 'denied')::text AS "deniedAttempts",
           max(m.at) FILTER (WHERE m.read) AS "lastTraceDataAccess",
           max(m.at) AS "lastSeen"
    FROM m
    LEFT JOIN users u ON u.id = m.actor_id
    LEFT JOIN touched t ON t.actor_id = m.actor_id
    GROUP BY m.actor_id, u.role, u.disabled, t.tenants
    ORDER BY count(*) FILTER (WHERE m.read) DESC, max(m.at) DESC
    LIMIT 500`;
  return rows.map((r) => ({
    ...r,
    traceDataAccesses: Number(r.traceDataAccesses),
    unscopedAccesses: Number(r.unscopedAccesses),
    deniedAttempts: Number(r.deniedAttempts),
  }));
}
