export type TraceCarrierKind = "job" | "event";

/**
 * A job or event arrived without usable trace metadata (traceparent, request_id, tenant_id).
 * ADR-012: nothing runs without it, so the work is refused rather than run uncorrelated.
 */
export class MissingTraceContextError extends Error {
  override readonly name = "MissingTraceContextError";

  constructor(
    readonly kind: TraceCarrierKind,
    /** The job or event id, when the carrier had one. */
    readonly carrierId: string | undefined,
    /** What was wrong, by field; never the offending values, which may hold anything. */
    readonly problems: string[],
  ) {
    super(`${kind} ${carrierId ?? "(no id)"} refused: no usable trace metadata (${problems.join("; ")})`);
  }
}

/** A scope tried to bind a second, different tenant: ADR-012 forbids mixing tenants in one context. */
export class TenantConflictError extends Error {
  override readonly name = "TenantConflictError";

  constructor(existing: string, attempted: string) {
    super(`context already belongs to tenant ${existing}; refusing to switch to ${attempted}`);
  }
}
