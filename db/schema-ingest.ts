import { sql } from "drizzle-orm";
import { bigint, bigserial, check, date, index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { ingestKeys, tenants } from "./schema";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * What ingest did per tenant and day (lib/ingest/otlp-http/counters.ts names the counters): spans
 * stored, duplicates, refusals by reason, isolation violations, redactions by rule, and what
 * the limits removed. One row per counter, so a new redaction rule needs no migration.
 */
export const ingestCounters = pgTable(
  "ingest_counters",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    day: date("day", { mode: "string" }).notNull(),
    counter: text("counter").notNull(),
    value: bigint("value", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.day, t.counter] })],
);

/** `mixed_trace`: refused before a trace became a tenant and an id (0014); kept for old rows. */
export const isolationViolationReasons = ["conflicting_tenant_claims", "foreign_tenant", "mixed_trace", "shared_trace_id"] as const;

/**
 * Attempts to write across tenants: spans refused for a key writing another tenant or a span
 * and its resource naming different tenants, and traces started under an id another tenant
 * holds (stored as the tenant's own: a trace is a tenant and an id).
 * Kept for admins; claimed ids are recorded only when they have a valid form.
 */
export const ingestIsolationViolations = pgTable(
  "ingest_isolation_violations",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: ts("at").notNull().defaultNow(),
    keyId: uuid("key_id").references(() => ingestKeys.id, { onDelete: "set null" }),
    reason: text("reason", { enum: isolationViolationReasons }).notNull(),
    traceId: uuid("trace_id").notNull(),
    claimedTenant: text("claimed_tenant"),
    ownerTenant: text("owner_tenant"),
    spans: integer("spans").notNull(),
  },
  (t) => [
    check("ingest_isolation_violations_reason", sql`${t.reason} IN ('conflicting_tenant_claims', 'foreign_tenant', 'mixed_trace', 'shared_trace_id')`),
    index("ingest_isolation_violations_at_idx").on(t.at.desc()),
  ],
);

/**
 * Traces of tenants that keep only a share of standard traces (keep_ratio < 1), stored but
 * not yet sampled. Tail sampling (lib/jobs/tail-sampling.ts) decides each one after its
 * decision window and removes it from here; a trace that is not here is decided.
 */
export const traceSamplingPending = pgTable(
  "trace_sampling_pending",
  {
    tenantId: text("tenant_id").notNull(),
    traceId: uuid("trace_id").notNull(),
    queuedAt: ts("queued_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.traceId] })],
);

/**
 * Traces waiting to be sealed (migration 0031, lib/traces/span-store/seal.ts): queued by ingest
 * for a new trace of a tenant that keeps every trace and for late rows of a sealed trace, and by
 * tail sampling for a trace it keeps. The sealer takes an entry once its trace is quiet.
 */
export const traceSealPending = pgTable(
  "trace_seal_pending",
  {
    tenantId: text("tenant_id").notNull(),
    traceId: uuid("trace_id").notNull(),
    queuedAt: ts("queued_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.traceId] }), index("trace_seal_pending_queued_at_idx").on(t.queuedAt)],
);
