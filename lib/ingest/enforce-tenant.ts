import { isValidTenantId } from "@/lib/tenants/tenant-id";
import { COUNTER, TenantCounters } from "./counters";
import type { NormalizedEntry, NormalizedResource, NormalizedSpan } from "./normalize";
import { ISOLATION_VIOLATIONS, type RefusalReason } from "./refusals";

/** Who is writing: a key scoped to one tenant, or a platform collector key (tenantId null). */
export interface KeyScope {
  keyId: string;
  tenantId: string | null;
}

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

/** One attempt to write across tenants, for the admins' isolation log. */
export interface IsolationViolation {
  reason: RefusalReason;
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
  /** The tenant each already stored trace of the request belongs to. */
  storedOwners: ReadonlyMap<string, string>;
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
 * own tenant; a platform key writes the tenant each span names. A trace belongs to one tenant:
 * the one it is stored under, else the tenant of its root span in this request, else of its
 * first span; spans of that trace claiming another tenant are refused as isolation violations.
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

  const candidates: AcceptedSpan[] = [];
  for (const entry of entries) {
    if (entry.refused) {
      refuse(entry.refused, options.key.tenantId ?? undefined);
      continue;
    }
    const verdict = resolveTenant(entry.span, options);
    if ("refused" in verdict) refuse(verdict.refused, verdict.counted, verdict.violation);
    else candidates.push({ tenantId: verdict.tenantId, span: entry.span });
  }

  // Owners of traces not stored yet: the root's tenant wins over request order.
  const owners = new Map(options.storedOwners);
  for (const c of candidates) if (c.span.parentSpanId === null && !owners.has(c.span.traceId)) owners.set(c.span.traceId, c.tenantId);
  for (const c of candidates) if (!owners.has(c.span.traceId)) owners.set(c.span.traceId, c.tenantId);

  const accepted: AcceptedSpan[] = [];
  const resourcesCounted = new Set<string>();
  for (const c of candidates) {
    const owner = owners.get(c.span.traceId)!;
    if (owner !== c.tenantId) {
      refuse("mixed_trace", c.tenantId, { reason: "mixed_trace", traceId: c.span.traceId, claimedTenant: c.tenantId, ownerTenant: owner });
      continue;
    }
    accepted.push(c);
    countAccepted(counters, c, resourcesCounted);
  }
  return { accepted, refused, violations: [...violations.values()], counters };
}

function countAccepted(counters: TenantCounters, { tenantId: t, span }: AcceptedSpan, resourcesCounted: Set<string>): void {
  counters.addAll(t, span.redactions, COUNTER.redactionPrefix);
  counters.add(t, COUNTER.droppedAttributes, span.limited.attributes);
  counters.add(t, COUNTER.droppedEvents, span.limited.events);
  counters.add(t, COUNTER.droppedLinks, span.limited.links);
  counters.add(t, COUNTER.truncatedValues, span.limited.truncatedValues);
  // A resource is redacted once however many spans share it; count it once per tenant.
  const resource: NormalizedResource = span.resource;
  const id = `${t}\0${resource.id}`;
  if (resourcesCounted.has(id)) return;
  resourcesCounted.add(id);
  counters.addAll(t, resource.redactions, COUNTER.redactionPrefix);
  counters.add(t, COUNTER.truncatedValues, resource.truncatedValues);
}
