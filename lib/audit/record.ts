import type { Sql } from "@/db/connect";
import { encodeAuditDetails, encodeAuditText } from "./encode";

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
  const clientRequestId = record.request.clientRequestId;
  const details = encodeAuditDetails({ ...record.details, ...(clientRequestId && { clientRequestId }) }) as Record<string, unknown>;
  try {
    await sql`
      INSERT INTO audit_log (actor_id, actor_email, role, action, resource, tenants, outcome,
                             ip, user_agent, request_id, trace_id, details)
      VALUES (${record.actor.id}, ${text(record.actor.email)}, ${record.actor.role}, ${encodeAuditText(record.action, 64)},
              ${text(record.resource)}, ${(record.tenants ?? []).map((t) => encodeAuditText(t, 64))}, ${record.outcome},
              ${text(record.request.ip, 64)}, ${text(record.request.userAgent)}, ${text(record.request.requestId, 128)},
              ${text(record.request.traceId, 64)}, ${sql.json(details as never)})`;
  } catch (cause) {
    throw new AuditWriteError(cause);
  }
}
