/** Why a span was refused; the export response's partial_success message groups them. */
const REFUSAL_MESSAGES = {
  invalid_trace_id: "the trace id is not 16 non-zero bytes",
  invalid_span_id: "the span id is not 8 non-zero bytes",
  invalid_parent_span_id: "the parent span id is not 8 bytes",
  missing_start_time: "no start time",
  ends_before_start: "the end time is before the start time",
  implausible_duration: "a duration over 400 days",
  conflicting_tenant_claims: "the span and its resource name different tenants (isolation violation)",
  no_tenant: "no tenant.id on the span or its resource, and the key is not scoped to a tenant",
  invalid_tenant_id: "an invalid tenant.id (letters, digits, '_', '.', '-'; at most 63; no '..')",
  unknown_tenant: "a tenant that does not exist",
  foreign_tenant: "a tenant other than the one the key is scoped to (isolation violation)",
  too_old: "a start time older than the tenant's retention",
  in_future: "a start time more than a day ahead",
} as const;

export type RefusalReason = keyof typeof REFUSAL_MESSAGES;

/** Reasons that are attempts to write across tenants, counted for admins to see. */
export const ISOLATION_VIOLATIONS: ReadonlySet<RefusalReason> = new Set(["conflicting_tenant_claims", "foreign_tenant"]);

/** "Refused 3 of 10 spans: 2 with a tenant that does not exist; 1 with no start time." */
export function refusalMessage(refused: ReadonlyMap<RefusalReason, number>, total: number): string {
  let count = 0;
  const parts: string[] = [];
  for (const [reason, n] of refused) {
    count += n;
    parts.push(`${n} with ${REFUSAL_MESSAGES[reason]}`);
  }
  return `Refused ${count} of ${total} spans: ${parts.join("; ")}.`;
}
