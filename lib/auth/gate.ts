import "server-only";
import { headers } from "next/headers";
import { getSql } from "@/db/client";
import { recordAudit, type AuditActor } from "@/lib/audit/record";
import { allowedRow } from "@/lib/audit/data-reach";
import { recordUnauthenticatedDenial } from "@/lib/audit/denials";
import { requestMetaFrom } from "@/lib/audit/request-meta";
import { getCurrentUser } from "./current-user";
import { roleAllows, type Action } from "./roles";
import { scopeOf, type TenantScope } from "./scope";
import type { AccessProfile } from "./users";

export interface AccessRequest {
  /** The audit verb of this access, e.g. `trace.search`. */
  audit: string;
  resource?: string;
  /** Tenants the caller asked for explicitly; each must be in their scope. */
  tenants?: readonly string[];
  details?: Record<string, unknown>;
  /** Tenants that hold the data this access reads, looked up across all tenants: the row names whose data was read. */
  dataTenants?: readonly string[];
}

export type Decision =
  | { allowed: true; user: AccessProfile; scope: TenantScope }
  | { allowed: false; user: AccessProfile | null; reason: "signed-out" | "forbidden" };

function actorOf(user: AccessProfile | null): AuditActor {
  return user ? { id: user.id, email: user.email, role: user.role } : { id: null, email: null, role: null };
}

/**
 * The one authorization gate: may the signed-in user do `action` on these tenants? Reads
 * role and scope from the database now, and writes exactly one audit row for the decision
 * before anything is read. If that row cannot be written, AuditWriteError propagates and the
 * access does not happen.
 */
export async function authorize(action: Action, access: AccessRequest): Promise<Decision> {
  const user = await getCurrentUser();
  const scope = user ? scopeOf(user) : undefined;
  const inScope = (tenant: string) => scope?.all === true || (scope?.all === false && scope.tenantIds.includes(tenant));
  const decision: Decision =
    !user || !scope
      ? { allowed: false, user: null, reason: "signed-out" }
      : roleAllows(user.role, action) && (access.tenants ?? []).every(inScope)
        ? { allowed: true, user, scope }
        : { allowed: false, user, reason: "forbidden" };

  const tenants = access.tenants ?? (scope && !scope.all ? scope.tenantIds : []);
  // An allowed read names the tenants whose data it reads; one of data only outside the scope
  // stays allowed (it answers "not found") but is recorded as a denied probe against them.
  const row = decision.allowed
    ? allowedRow(access.dataTenants, inScope, { tenants, details: access.details })
    : { tenants, outcome: "denied" as const, details: { ...access.details, reason: decision.reason, needed: action } };
  // Denials of callers with no session are aggregated per source and minute (lib/audit/denials.ts).
  await (user ? recordAudit : recordUnauthenticatedDenial)(getSql(), {
    actor: actorOf(user),
    action: access.audit,
    resource: access.resource,
    ...row,
    request: requestMetaFrom(await headers()),
  });
  return decision;
}
