import "server-only";
import type { Sql } from "@/db/connect";
import { encodeAuditDetails, encodeAuditText } from "./encode";
import { auditKeyFromEnv, auditRowMac, type AuditRowContent } from "./mac";

export type AuditOutcome = "allowed" | "denied" | "success" | "failure";

export interface AuditActor {
  id: string | null;
  email: string | null;
  role: string | null;
}

/** Where a request came from; never session ids, cookies or tokens. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  /** The server's own id of the request. */
  requestId: string | null;
  /** An id the client sent (`x-request-id`), kept apart: anyone can send any id. */
  clientRequestId?: string | null;
  traceId: string | null;
}

export interface AuditRecord {
  actor: AuditActor;
  /** A dotted verb: `trace.search`, `trace.view`, `auth.sign_in`, `admin.user.update`, … */
  action: string;
  resource?: string;
  tenants?: readonly string[];
  outcome: AuditOutcome;
  /** Filters, old and new values of an admin change; never trace payloads. */
  details?: Record<string, unknown>;
  request: RequestMeta;
}

export class AuditWriteError extends Error {
  constructor(cause: unknown) {
    super("The audit log could not be written, so the access was refused.", { cause });
  }
}

const text = (value: string | null | undefined, max?: number) => (value == null ? null : encodeAuditText(value, max));

/**
 * Appends one row. The database assigns the time, the chain position and the hash. Throws
 * AuditWriteError when the row cannot be written: callers refuse the access then, so nothing
 * is ever read without its audit row.
 */
export async function recordAudit(sql: Sql, record: AuditRecord): Promise<void> {
  try {
    const row = auditRowOf(record);
    await sql`
      INSERT INTO audit_log (actor_id, actor_email, role, action, resource, tenants, outcome,
                             ip, user_agent, request_id, trace_id, details, mac)
      VALUES (${row.actorId}, ${row.actorEmail}, ${row.role}, ${row.action}, ${row.resource}, ${row.tenants},
              ${row.outcome}, ${row.ip}, ${row.userAgent}, ${row.requestId}, ${row.traceId},
              ${sql.json(row.details as never)}, ${row.mac})`;
  } catch (cause) {
    throw new AuditWriteError(cause);
  }
}

/**
 * The columns one audit row is inserted with: encoded as stored, and MACed with
 * AUDIT_HMAC_KEY when this process has it. For writers that insert through drizzle (the CLI).
 */
export function auditRowOf(record: AuditRecord): AuditRowContent & { mac: string | null } {
  const clientRequestId = record.request.clientRequestId;
  const row: AuditRowContent = {
    actorId: record.actor.id,
    actorEmail: text(record.actor.email),
    role: record.actor.role,
    action: encodeAuditText(record.action, 64),
    resource: text(record.resource),
    tenants: (record.tenants ?? []).map((t) => encodeAuditText(t, 64)),
    outcome: record.outcome,
    ip: text(record.request.ip, 64),
    userAgent: text(record.request.userAgent),
    requestId: text(record.request.requestId, 128),
    traceId: text(record.request.traceId, 64),
    details: encodeAuditDetails({ ...record.details, ...(clientRequestId && { clientRequestId }) }) as Record<string, unknown>,
  };
  const key = auditKeyFromEnv();
  return { ...row, mac: key ? auditRowMac(key, row) : null };
}
