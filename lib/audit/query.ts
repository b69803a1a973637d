import "server-only";
import type { Sql } from "@/db/connect";
import type { AuditRowContent } from "./mac";
import type { AuditFilters } from "./audit-params";
import { auditWhere } from "./query-filters";

/** A stored row: the content the app wrote (and MACed), with its place and time in the log. */
export interface AuditRow extends AuditRowContent {
  seq: number;
  at: Date;
}

export interface AuditPage {
  rows: AuditRow[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: number | null;
}

export const AUDIT_PAGE_SIZE = 50;

/** The columns of an audit row as AuditRow names them; the export reads the same. */
export function auditColumns(sql: Sql) {
  return sql`
    a.seq::text AS seq, a.at, a.actor_id AS "actorId", a.actor_email AS "actorEmail", a.role, a.action,
    a.resource, a.tenants, a.outcome, a.ip, a.user_agent AS "userAgent", a.request_id AS "requestId",
    a.trace_id AS "traceId", a.details`;
}

/** One page of matching rows, newest first, by keyset on the chain position. */
export async function queryAuditLog(sql: Sql, filters: AuditFilters, cursor?: number, limit = AUDIT_PAGE_SIZE): Promise<AuditPage> {
  const rows = await sql<(Omit<AuditRow, "seq"> & { seq: string })[]>`
    SELECT ${auditColumns(sql)}
    FROM audit_log a
    WHERE ${auditWhere(sql, filters)} ${cursor ? sql`AND a.seq < ${cursor}` : sql``}
    ORDER BY a.seq DESC
    LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit).map((r) => ({ ...r, seq: Number(r.seq) }));
  return { rows: page, nextCursor: rows.length > limit ? (page.at(-1)?.seq ?? null) : null };
}
