import "server-only";
import { headers } from "next/headers";
import { getSql } from "@/lib/db/client";
import type { TenantScope } from "@/db/tenant-scope";
import { recordAudit, type AuditActor } from "@/lib/audit/record";
import { allowedRow } from "@/lib/audit/data-reach";
import { recordRepeatableDenial } from "@/lib/audit/denials";
import { requestMetaFrom } from "@/lib/audit/request-meta";
import { getCurrentUser } from "./current-user";
import { roleAllows, type Action } from "./roles";
import { scopeOf } from "./scope";
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
  /**
   * The request was refused for its input before anything was read (answered 400): recorded as
   * denied (reason invalid-input), never as an allowed read of the caller's tenants.
   */
  invalidInput?: boolean;
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
  const row =
    decision.allowed && !access.invalidInput
      ? allowedRow(access.dataTenants, inScope, { tenants, details: access.details })
      : { tenants, outcome: "denied" as const, details: { ...access.details, reason: decision.allowed ? "invalid-input" : decision.reason, needed: action } };
  // Denials of callers with no session are aggregated per source and minute (lib/audit/denials.ts).
  await (user ? recordAudit : recordRepeatableDenial)(getSql(), {
    actor: actorOf(user),
    action: access.audit,
    resource: access.resource,
    ...row,
    request: requestMetaFrom(await headers()),
  });
  return decision;
}

/** A signed-in user turned away before anything is looked up, and what the row says about why. */
export interface EarlyRefusal {
  response: Response;
  reason: string;
}

/**
 * The gate's cheap refusal, for calls a client may repeat in a loop (a download over its
 * user's allowance): one session check, then the answer, with a denied row aggregated per user,
 * action and minute (lib/audit/denials.ts) instead of the trace lookups and the row per call of
 * `authorize`. Undefined when `refuse` lets the call through (or no one is signed in: the gate
 * answers that itself).
 */
export async function refuseEarly(
  access: Pick<AccessRequest, "audit" | "resource">,
  refuse: (user: AccessProfile) => EarlyRefusal | undefined,
): Promise<Response | undefined> {
  const user = await getCurrentUser();
  const refusal = user ? refuse(user) : undefined;
  if (!user || !refusal) return undefined;
  const scope = scopeOf(user);
  await recordRepeatableDenial(getSql(), {
    actor: actorOf(user),
    action: access.audit,
    resource: access.resource,
    tenants: scope.all ? [] : scope.tenantIds,
    outcome: "denied",
    details: { reason: refusal.reason },
    request: requestMetaFrom(await headers()),
  });
  return refusal.response;
}
