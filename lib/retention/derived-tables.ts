import { ISOLATION_VIOLATION_RETENTION_DAYS, RUN_RECORD_RETENTION_DAYS } from "./policy";

/**
 * Per-tenant, time-keyed tables derived from the spans. The purge deletes a tenant's rows whose
 * time key is older than the tenant's retention of the named class (`standard` or `kept`),
 * skips tenants on legal hold, and works in bounded batches like the spans themselves.
 * Adding a derived table (a rollup, a counter) is one entry here.
 */
export interface DerivedTable {
  table: string;
  tenantColumn: string;
  /** A timestamp or date column; a row is expired when it is older than the cutoff. */
  timeColumn: string;
  retention: "standard" | "kept";
}

export const DERIVED_TABLES: readonly DerivedTable[] = [
  // Ingest's daily counters describe the trace data they counted: gone with the longest class.
  { table: "ingest_counters", tenantColumn: "tenant_id", timeColumn: "day", retention: "kept" },
  // Tail sampling drops queue entries whose trace is gone; this only sweeps what outlived it.
  { table: "trace_sampling_pending", tenantColumn: "tenant_id", timeColumn: "queued_at", retention: "kept" },
  // The sealer drops entries whose trace is gone; as the sampling queue, this sweeps what outlived it.
  { table: "trace_seal_pending", tenantColumn: "tenant_id", timeColumn: "queued_at", retention: "kept" },
  // The latency rollup counts standard and kept traces alike; the latency views show only
  // the standard window, so its rows go with the standard class (every grain at once).
  { table: "span_rollup", tenantColumn: "tenant_id", timeColumn: "minute", retention: "standard" },
  // Ingest's rollup rows not folded yet (seconds old, unless no folder ran): as the rollup.
  { table: "span_rollup_delta", tenantColumn: "tenant_id", timeColumn: "minute", retention: "standard" },
  // The service map is read over the same window as the latency views: the same class.
  { table: "service_map_rollup", tenantColumn: "tenant_id", timeColumn: "minute", retention: "standard" },
  { table: "service_map_delta", tenantColumn: "tenant_id", timeColumn: "minute", retention: "standard" },
];

/** Tables not keyed by tenant, kept for a fixed number of days (ADR-010 table). */
export interface FixedAgeTable {
  table: string;
  timeColumn: string;
  days: number;
}

export const FIXED_AGE_TABLES: readonly FixedAgeTable[] = [
  { table: "retention_runs", timeColumn: "started_at", days: RUN_RECORD_RETENTION_DAYS },
  { table: "ingest_isolation_violations", timeColumn: "at", days: ISOLATION_VIOLATION_RETENTION_DAYS },
  // Sign-in counters forget after a day of quiet and pause at most 15 minutes (lib/auth/sign-in-limits.ts).
  { table: "sign_in_throttle", timeColumn: "last_attempt_at", days: 2 },
  // An ended or expired session is refused whether its row is there or not.
  { table: "auth_sessions", timeColumn: "expires_at", days: 1 },
];
