import { isValidTenantId } from "@/lib/tenants/tenant-id";
import type { KeyScope } from "./authenticate";
import { COUNTER, TenantCounters } from "./counters";
import { ISOLATION_VIOLATIONS, type RefusalReason } from "./refusals";

/**
 * The tenant rule every signal applies to each record: a record's tenant is the `tenant.id` it
 * or its resource names (the two must agree), else the key's tenant; a tenant-scoped key writes
 * only its own tenant, and the tenant must exist and keep data of the record's age.
 */

export interface TenantPolicy {
  id: string;
  keptRetentionDays: number;
  slowThresholdMs: number;
  keepRatio: number;
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
  /** The record's trace id; for a log record without one, the nil uuid. */
  traceId: string;
  /** Only ids of a valid form are recorded; anything else is attacker-chosen text. */
  claimedTenant: string | null;
  ownerTenant: string | null;
  /** Records refused (spans, or log records for a logs request). */
  spans: number;
}

export interface TenantRuleOptions {
  key: KeyScope;
  /** The tenants that exist, among those the request names. */
  tenants: ReadonlyMap<string, TenantPolicy>;
  now: Date;
  /** How far ahead of `now` a record's time may be (clock skew); further is refused. */
  futureToleranceMs: number;
}

/** What a record claims: its own `tenant.id` and its resource's. */
export interface TenantClaims {
  tenantClaim: string | undefined;
  resource: { tenantClaim: string | undefined };
}

const DAY_MS = 86_400_000;
const NS_PER_MS = 1_000_000n;

/** The tenant ids worth looking up: valid claims and the key's own tenant. */
export function claimedTenantIds(records: Iterable<TenantClaims>, key: KeyScope): string[] {
  const ids = new Set<string>();
  if (key.tenantId) ids.add(key.tenantId);
  for (const r of records) for (const claim of [r.tenantClaim, r.resource.tenantClaim]) if (isValidTenantId(claim)) ids.add(claim);
  return [...ids];
}

const validOrNull = (id: string | undefined) => (isValidTenantId(id) ? id : null);

export type Verdict = { tenantId: string } | { refused: RefusalReason; counted?: string; violation?: Omit<IsolationViolation, "spans"> };

/** The tenant a record (of trace `traceId`, at `timeNs`) is stored under, or why it is refused. */
export function resolveTenant(record: TenantClaims, traceId: string, timeNs: bigint, options: TenantRuleOptions): Verdict {
  const { key } = options;
  const own = record.tenantClaim;
  const inherited = record.resource.tenantClaim;
  if (own !== undefined && inherited !== undefined && own !== inherited) {
    return {
      refused: "conflicting_tenant_claims",
      counted: key.tenantId ?? undefined,
      violation: { reason: "conflicting_tenant_claims", traceId, claimedTenant: validOrNull(own), ownerTenant: validOrNull(inherited) },
    };
  }
  const claim = own ?? inherited;
  if (claim === undefined) {
    return key.tenantId ? checkTime(timeNs, key.tenantId, options) : { refused: "no_tenant" };
  }
  if (!isValidTenantId(claim)) return { refused: "invalid_tenant_id", counted: key.tenantId ?? undefined };
  if (key.tenantId && claim !== key.tenantId) {
    return {
      refused: "foreign_tenant",
      counted: key.tenantId,
      violation: { reason: "foreign_tenant", traceId, claimedTenant: claim, ownerTenant: key.tenantId },
    };
  }
  return checkTime(timeNs, claim, options);
}

function checkTime(timeNs: bigint, tenantId: string, options: TenantRuleOptions): Verdict {
  const tenant = options.tenants.get(tenantId);
  if (!tenant) return { refused: "unknown_tenant", counted: options.key.tenantId ?? undefined };
  const nowNs = BigInt(options.now.getTime()) * NS_PER_MS;
  // Older than the longest retention (kept traces) would be purged at once: no partition for it.
  if (timeNs < nowNs - BigInt(tenant.keptRetentionDays * DAY_MS) * NS_PER_MS) return { refused: "too_old", counted: tenantId };
  if (timeNs > nowNs + BigInt(options.futureToleranceMs) * NS_PER_MS) return { refused: "in_future", counted: tenantId };
  return { tenantId };
}

/** A request's refusals as they are answered (by reason), counted (per tenant) and logged (violations, each once with a count). */
export class Refusals {
  readonly refused = new Map<RefusalReason, number>();
  readonly counters = new TenantCounters();
  private readonly violations = new Map<string, IsolationViolation>();

  constructor(
    private readonly tenants: ReadonlyMap<string, TenantPolicy>,
    /** The counter prefix of the signal's refusals ("spans.refused."). */
    private readonly refusedPrefix: string,
  ) {}

  refuse(reason: RefusalReason, counted?: string, violation?: Omit<IsolationViolation, "spans">): void {
    this.refused.set(reason, (this.refused.get(reason) ?? 0) + 1);
    if (counted && this.tenants.has(counted)) {
      this.counters.add(counted, `${this.refusedPrefix}${reason}`);
      if (ISOLATION_VIOLATIONS.has(reason)) this.counters.add(counted, COUNTER.isolationViolations);
    }
    if (violation) {
      const id = `${violation.reason}\0${violation.traceId}\0${violation.claimedTenant}\0${violation.ownerTenant}`;
      const seen = this.violations.get(id);
      if (seen) seen.spans++;
      else this.violations.set(id, { ...violation, spans: 1 });
    }
  }

  loggedViolations(): IsolationViolation[] {
    return [...this.violations.values()];
  }
}
