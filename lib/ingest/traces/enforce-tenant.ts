import type { KeyScope } from "../otlp-http/authenticate";
import { COUNTER, type TenantCounters } from "../otlp-http/counters";
import { countCleaned } from "../otlp-http/clean";
import type { NormalizedEntry, NormalizedSpan } from "./normalize";
import type { RefusalReason } from "../otlp-http/refusals";
import { claimedTenantIds as claimedBy, Refusals, resolveTenant, type IsolationViolation, type TenantRuleOptions } from "../otlp-http/tenant-rule";

export type { IsolationViolation, TenantPolicy } from "../otlp-http/tenant-rule";

export interface AcceptedSpan {
  tenantId: string;
  span: NormalizedSpan;
}

export interface Enforcement {
  accepted: AcceptedSpan[];
  refused: Map<RefusalReason, number>;
  violations: IsolationViolation[];
  counters: TenantCounters;
}

export interface EnforceOptions extends TenantRuleOptions {
  /** The tenants that already hold each stored trace id of the request (a trace is a tenant and an id). */
  storedTenants: ReadonlyMap<string, readonly string[]>;
}

/** The tenant ids worth looking up: valid claims and the key's own tenant. */
export function claimedTenantIds(entries: readonly NormalizedEntry[], key: KeyScope): string[] {
  return claimedBy(entries.flatMap((e) => (e.span ? [e.span] : [])), key);
}

export function traceIdsOf(entries: readonly NormalizedEntry[]): string[] {
  const ids = new Set<string>();
  for (const { span } of entries) if (span) ids.add(span.traceId);
  return [...ids];
}

/**
 * Decides which spans are stored and under which tenant. A tenant-scoped key writes only its
 * own tenant; a platform key writes the tenant each span names. A trace is a tenant and an id,
 * so spans of one id for two tenants are two traces that never mix; a tenant starting a trace
 * under an id another tenant holds is logged as an isolation violation (sharedTraceIds).
 */
export function enforceTenants(entries: readonly NormalizedEntry[], options: EnforceOptions): Enforcement {
  const refusals = new Refusals(options.tenants, COUNTER.refusedPrefix);
  const { counters } = refusals;

  const accepted: AcceptedSpan[] = [];
  const sharedCounted = new Set<string>();
  for (const entry of entries) {
    if (entry.refused) {
      refusals.refuse(entry.refused, options.key.tenantId ?? undefined);
      continue;
    }
    const verdict = resolveTenant(entry.span, entry.span.traceId, entry.span.startNs, options);
    if ("refused" in verdict) refusals.refuse(verdict.refused, verdict.counted, verdict.violation);
    else {
      const a = { tenantId: verdict.tenantId, span: entry.span };
      accepted.push(a);
      countAccepted(counters, a, sharedCounted);
    }
  }
  return { accepted, refused: refusals.refused, violations: [...refusals.loggedViolations(), ...sharedTraceIds(accepted, options.storedTenants)], counters };
}

/**
 * The traces this request starts under an id another tenant already holds: stored, else
 * started in this request by the tenant of the id's root span, else of its first span. Only
 * admins see these; the sending tenant's answer and counters are those of any new trace.
 */
function sharedTraceIds(accepted: readonly AcceptedSpan[], storedTenants: ReadonlyMap<string, readonly string[]>): IsolationViolation[] {
  const first = new Map<string, string>();
  for (const [traceId, tenants] of storedTenants) if (tenants.length > 0) first.set(traceId, [...tenants].sort()[0]!);
  for (const a of accepted) if (a.span.parentSpanId === null && !first.has(a.span.traceId)) first.set(a.span.traceId, a.tenantId);
  for (const a of accepted) if (!first.has(a.span.traceId)) first.set(a.span.traceId, a.tenantId);

  const violations = new Map<string, IsolationViolation>();
  for (const { tenantId, span } of accepted) {
    const holder = first.get(span.traceId)!;
    if (holder === tenantId || storedTenants.get(span.traceId)?.includes(tenantId)) continue;
    const id = `${span.traceId}\0${tenantId}`;
    const seen = violations.get(id);
    if (seen) seen.spans++;
    else violations.set(id, { reason: "shared_trace_id", traceId: span.traceId, claimedTenant: tenantId, ownerTenant: holder, spans: 1 });
  }
  return [...violations.values()];
}

function countAccepted(counters: TenantCounters, { tenantId: t, span }: AcceptedSpan, sharedCounted: Set<string>): void {
  countCleaned(counters, t, span, sharedCounted);
  counters.add(t, COUNTER.droppedEvents, span.limited.events);
  counters.add(t, COUNTER.droppedLinks, span.limited.links);
}
