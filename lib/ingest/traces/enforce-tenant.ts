import { isValidTenantId } from "@/lib/tenants/tenant-id";
import type { KeyScope } from "../otlp-http/authenticate";
import { COUNTER, TenantCounters } from "../otlp-http/counters";
import type { NormalizedEntry, NormalizedSpan } from "./normalize";
import { ISOLATION_VIOLATIONS, type RefusalReason } from "../otlp-http/refusals";

export interface TenantPolicy {
  id: string;
  keptRetentionDays: number;
  slowThresholdMs: number;
  keepRatio: number;
}

export interface AcceptedSpan {
  tenantId: string;
  span: NormalizedSpan;
}

/**
 * Why an isolation violation was logged: a refusal that tried to write across tenants, or
 * `shared_trace_id`, a tenant starting a trace under an id another tenant already holds. The
 * latter is stored as the tenant's own trace and refuses nothing: a trace id is no claim on
 * another tenant's data, and the sender's answer must not reveal that the id exists elsewhere.
 */
export type IsolationViolationReason = RefusalReason | "shared_trace_id";

/** One attempt to write across tenants, for the admins' isolation log. */
export interface IsolationViolation {
  reason: IsolationViolationReason;
  traceId: string;
  /** Only ids of a valid form are recorded; anything else is attacker-chosen text. */
  claimedTenant: string | null;
  ownerTenant: string | null;
  spans: number;
}

export interface Enforcement {
  accepted: AcceptedSpan[];
  refused: Map<RefusalReason, number>;
  violations: IsolationViolation[];
  counters: TenantCounters;
}

export interface EnforceOptions {
  key: KeyScope;
  /** The tenants that exist, among those the request names. */
  tenants: ReadonlyMap<string, TenantPolicy>;
  /** The tenants that already hold each stored trace id of the request (a trace is a tenant and an id). */
  storedTenants: ReadonlyMap<string, readonly string[]>;
  now: Date;
  /** How far ahead of `now` a span may start (clock skew); further is refused. */
  futureToleranceMs: number;
}

const DAY_MS = 86_400_000;
const NS_PER_MS = 1_000_000n;

/** The tenant ids worth looking up: valid claims and the key's own tenant. */
export function claimedTenantIds(entries: readonly NormalizedEntry[], key: KeyScope): string[] {
  const ids = new Set<string>();
  if (key.tenantId) ids.add(key.tenantId);
  for (const { span } of entries) {
    if (!span) continue;
    for (const claim of [span.tenantClaim, span.resource.tenantClaim]) if (isValidTenantId(claim)) ids.add(claim);
  }
  return [...ids];
}

export function traceIdsOf(entries: readonly NormalizedEntry[]): string[] {
  const ids = new Set<string>();
  for (const { span } of entries) if (span) ids.add(span.traceId);
  return [...ids];
}

const validOrNull = (id: string | undefined) => (isValidTenantId(id) ? id : null);

type Verdict = { tenantId: string } | { refused: RefusalReason; counted?: string; violation?: Omit<IsolationViolation, "spans"> };

function resolveTenant(span: NormalizedSpan, options: EnforceOptions): Verdict {
  const { key, tenants, now } = options;
  const own = span.tenantClaim;
  const inherited = span.resource.tenantClaim;
  if (own !== undefined && inherited !== undefined && own !== inherited) {
    return {
      refused: "conflicting_tenant_claims",
      counted: key.tenantId ?? undefined,
      violation: { reason: "conflicting_tenant_claims", traceId: span.traceId, claimedTenant: validOrNull(own), ownerTenant: validOrNull(inherited) },
    };
  }
  const claim = own ?? inherited;
  if (claim === undefined) {
    return key.tenantId ? checkTime(span, key.tenantId, tenants, now, options) : { refused: "no_tenant" };
  }
  if (!isValidTenantId(claim)) return { refused: "invalid_tenant_id", counted: key.tenantId ?? undefined };
  if (key.tenantId && claim !== key.tenantId) {
    return {
      refused: "foreign_tenant",
      counted: key.tenantId,
      violation: { reason: "foreign_tenant", traceId: span.traceId, claimedTenant: claim, ownerTenant: key.tenantId },
    };
  }
  return checkTime(span, claim, tenants, now, options);
}

function checkTime(span: NormalizedSpan, tenantId: string, tenants: ReadonlyMap<string, TenantPolicy>, now: Date, options: EnforceOptions): Verdict {
  const tenant = tenants.get(tenantId);
  if (!tenant) return { refused: "unknown_tenant", counted: options.key.tenantId ?? undefined };
  const nowNs = BigInt(now.getTime()) * NS_PER_MS;
  // Older than the longest retention (kept traces) would be purged at once: no partition for it.
  if (span.startNs < nowNs - BigInt(tenant.keptRetentionDays * DAY_MS) * NS_PER_MS) return { refused: "too_old", counted: tenantId };
  if (span.startNs > nowNs + BigInt(options.futureToleranceMs) * NS_PER_MS) return { refused: "in_future", counted: tenantId };
  return { tenantId };
}

/**
 * Decides which spans are stored and under which tenant. A tenant-scoped key writes only its
 * own tenant; a platform key writes the tenant each span names. A trace is a tenant and an id,
 * so spans of one id for two tenants are two traces that never mix; a tenant starting a trace
 * under an id another tenant holds is logged as an isolation violation (sharedTraceIds).
 */
export function enforceTenants(entries: readonly NormalizedEntry[], options: EnforceOptions): Enforcement {
  const refused = new Map<RefusalReason, number>();
  const counters = new TenantCounters();
  const violations = new Map<string, IsolationViolation>();

  const refuse = (reason: RefusalReason, counted?: string, violation?: Omit<IsolationViolation, "spans">) => {
    refused.set(reason, (refused.get(reason) ?? 0) + 1);
    if (counted && options.tenants.has(counted)) {
      counters.add(counted, `${COUNTER.refusedPrefix}${reason}`);
      if (ISOLATION_VIOLATIONS.has(reason)) counters.add(counted, COUNTER.isolationViolations);
    }
    if (violation) {
      const id = `${violation.reason}\0${violation.traceId}\0${violation.claimedTenant}\0${violation.ownerTenant}`;
      const seen = violations.get(id);
      if (seen) seen.spans++;
      else violations.set(id, { ...violation, spans: 1 });
    }
  };

  const accepted: AcceptedSpan[] = [];
  const sharedCounted = new Set<string>();
  for (const entry of entries) {
    if (entry.refused) {
      refuse(entry.refused, options.key.tenantId ?? undefined);
      continue;
    }
    const verdict = resolveTenant(entry.span, options);
    if ("refused" in verdict) refuse(verdict.refused, verdict.counted, verdict.violation);
    else {
      const a = { tenantId: verdict.tenantId, span: entry.span };
      accepted.push(a);
      countAccepted(counters, a, sharedCounted);
    }
  }
  return { accepted, refused, violations: [...violations.values(), ...sharedTraceIds(accepted, options.storedTenants)], counters };
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
  counters.addAll(t, span.redactions, COUNTER.redactionPrefix);
  counters.add(t, COUNTER.droppedAttributes, span.limited.attributes);
  counters.add(t, COUNTER.droppedEvents, span.limited.events);
  counters.add(t, COUNTER.droppedLinks, span.limited.links);
  counters.add(t, COUNTER.truncatedValues, span.limited.truncatedValues);
  // A resource or scope is redacted once however many spans share it; count it once per tenant.
  for (const [what, shared] of [["resource", span.resource], ["scope", span.scope]] as const) {
    const id = `${what}\0${t}\0${shared.id}`;
    if (sharedCounted.has(id)) continue;
    sharedCounted.add(id);
    counters.addAll(t, shared.redactions, COUNTER.redactionPrefix);
    counters.add(t, COUNTER.truncatedValues, shared.truncatedValues);
  }
}
