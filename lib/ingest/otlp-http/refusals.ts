/** Why a span was refused; the export response's partial_success message groups them. */
const REFUSAL_MESSAGES = {
  malformed_span: "a field that is not valid OTLP",
  invalid_trace_id: "a trace id that is not 16 non-zero bytes (OTLP/JSON writes it as 32 hex digits, not base64)",
  invalid_span_id: "a span id that is not 8 non-zero bytes (OTLP/JSON writes it as 16 hex digits, not base64)",
  invalid_parent_span_id: "a parent span id that is not 8 bytes (OTLP/JSON writes it as 16 hex digits, not base64)",
  missing_start_time: "no start time",
  missing_time: "neither a time nor an observed time",
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

/**
 * "Refused 3 of 10 spans: 2 with a tenant that does not exist; 1 with no start time."
 * `malformed` is what the decoder said about the first malformed record, quoted after its count;
 * `records` names them ("log records" for a logs request).
 */
export function refusalMessage(refused: ReadonlyMap<RefusalReason, number>, total: number, malformed?: string, records = "spans"): string {
  let count = 0;
  const parts: string[] = [];
  for (const [reason, n] of refused) {
    count += n;
    const detail = reason === "malformed_span" && malformed ? ` (${n > 1 ? "the first: " : ""}${malformed})` : "";
    parts.push(`${n} with ${REFUSAL_MESSAGES[reason]}${detail}`);
  }
  return `Refused ${count} of ${total} ${records}: ${parts.join("; ")}.`;
}

/** A write's refusals as the transport answers them (partial_success). */
export function refusalResult(refused: ReadonlyMap<RefusalReason, number>, total: number, malformed: string | undefined, records: string): { rejected: number; refusal: string } {
  let rejected = 0;
  for (const n of refused.values()) rejected += n;
  return { rejected, refusal: rejected === 0 ? "" : refusalMessage(refused, total, malformed, records) };
}
