import "server-only";
import type { Sql } from "@/db/connect";

export interface RuntimeRole {
  role: string;
  superuser: boolean;
  /** Owns the audit log, so could ALTER TABLE … DISABLE TRIGGER. */
  ownsAuditLog: boolean;
}

/** Who the app's pool connects as, and whether it could switch the audit log's triggers off. */
export async function runtimeRole(sql: Sql): Promise<RuntimeRole> {
  const [row] = await sql<RuntimeRole[]>`
    SELECT current_user AS role, r.rolsuper AS superuser,
           pg_has_role(current_user, c.relowner, 'USAGE') AS "ownsAuditLog"
    FROM pg_roles r, pg_class c
    WHERE r.rolname = current_user AND c.oid = 'audit_log'::regclass`;
  if (!row) throw new Error("the runtime role or audit_log was not found");
  return row;
}

/**
 * The warning the app logs at start when its pools run as a role that could switch the audit
 * log's append-only trigger off (DATABASE_APP_URL unset, or pointing at the owner); null when
 * the role cannot.
 */
export function runtimeRoleWarning(role: RuntimeRole): string | null {
  if (!role.superuser && !role.ownsAuditLog) return null;
  const what = role.superuser ? "a superuser" : "the owner of audit_log";
  return (
    `SECURITY: the app's database role "${role.role}" is ${what}, so anything running SQL through the app ` +
    `could switch the audit log's append-only trigger off. Set DATABASE_APP_URL to the te_app login ` +
    `(README "Running against your own PostgreSQL").`
  );
}
