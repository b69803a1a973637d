import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  customType,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const nanos = (name: string) => bigint(name, { mode: "bigint" });

export const userRole = pgEnum("user_role", ["admin", "investigator", "tenant_viewer", "auditor"]);

export const tenants = pgTable(
  "tenants",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    retentionDays: integer("retention_days").notNull().default(14),
    keptRetentionDays: integer("kept_retention_days").notNull().default(30),
    slowThresholdMs: integer("slow_threshold_ms").notNull().default(2000),
    keepRatio: real("keep_ratio").notNull().default(1),
    legalHold: boolean("legal_hold").notNull().default(false),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    // Same rule as lib/tenants/tenant-id.ts: the database refuses what the app would refuse.
    check("tenants_id_format", sql`${t.id} ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$' AND ${t.id} NOT LIKE '%..%'`),
    check("tenants_retention_range", sql`${t.retentionDays} BETWEEN 1 AND 90`),
    check(
      "tenants_kept_retention_range",
      sql`${t.keptRetentionDays} BETWEEN ${t.retentionDays} AND 180`,
    ),
    check("tenants_slow_threshold_positive", sql`${t.slowThresholdMs} > 0`),
    check("tenants_keep_ratio_range", sql`${t.keepRatio} > 0 AND ${t.keepRatio} <= 1`),
  ],
);

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull().unique(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    role: userRole("role"),
    disabled: boolean("disabled").notNull().default(false),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [check("users_email_lowercase", sql`${t.email} = lower(${t.email})`)],
);

export const userTenantScopes = pgTable(
  "user_tenant_scopes",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.tenantId] })],
);

export const ingestKeys = pgTable(
  "ingest_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    // The first characters of the key, shown in the admin list so a key can be recognised.
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull().unique(),
    // NULL means a platform collector key that may write any tenant named in the spans.
    tenantId: text("tenant_id").references(() => tenants.id, { onDelete: "cascade" }),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: ts("created_at").notNull().defaultNow(),
    revokedAt: ts("revoked_at"),
    lastUsedAt: ts("last_used_at"),
  },
);

/**
 * One row per OTLP span. The migration turns this into a table partitioned by day on
 * start_time (drizzle cannot express partitioning), so the purge can drop whole days.
 */
export const spans = pgTable(
  "spans",
  {
    tenantId: text("tenant_id").notNull(),
    traceId: uuid("trace_id").notNull(),
    spanId: bigint("span_id", { mode: "bigint" }).notNull(),
    parentSpanId: bigint("parent_span_id", { mode: "bigint" }),
    /** W3C tracestate as received (migration 0016). */
    traceState: text("trace_state"),
    requestId: text("request_id"),
    service: text("service").notNull(),
    name: text("name").notNull(),
    kind: smallint("kind").notNull().default(0),
    startTime: ts("start_time").notNull(),
    /** The start's nanoseconds below start_time's microsecond (0-999), migration 0016. */
    startSubUsNs: smallint("start_sub_us_ns").notNull().default(0),
    durationNs: nanos("duration_ns").notNull(),
    statusCode: smallint("status_code").notNull().default(0),
    statusMessage: text("status_message"),
    attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default({}),
    events: jsonb("events").$type<SpanEvent[]>().notNull().default([]),
    links: jsonb("links").$type<SpanLink[]>().notNull().default([]),
    resourceId: bigint("resource_id", { mode: "bigint" }).notNull(),
    /** The instrumentation scope (`scopes.id`); NULL for spans stored before migration 0017. */
    scopeId: bigint("scope_id", { mode: "bigint" }),
    /** OTLP span flags (fixed32, stored as its signed int4 bits), migration 0017. */
    flags: integer("flags").notNull().default(0),
    droppedAttributesCount: integer("dropped_attributes_count").notNull().default(0),
    droppedEventsCount: integer("dropped_events_count").notNull().default(0),
    droppedLinksCount: integer("dropped_links_count").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.traceId, t.spanId, t.startTime] }),
    // Named by Postgres: migration 0016 declared the check inline.
    check("spans_start_sub_us_ns_check", sql`${t.startSubUsNs} BETWEEN 0 AND 999`),
    // Partial indexes for /investigate (migration 0006): each holds only the few spans one view
    // looks for, so it costs ingest little; every daily partition gets its own copy.
    index("spans_errors_idx").on(t.tenantId, t.traceId).where(sql`${t.statusCode} = 2`),
    // The predicate is repeated word for word in lib/investigate/retries.ts so the planner uses it.
    index("spans_retries_idx")
      .on(t.tenantId, t.startTime)
      .where(
        sql`${t.attributes} ? 'http.request.resend_count' OR (${t.attributes} ? 'job.attempt' AND ${t.attributes} -> 'job.attempt' <> '1'::jsonb)`,
      ),
    index("spans_job_id_idx").on(sql`(${t.attributes} ->> 'job.id')`).where(sql`${t.attributes} ? 'job.id'`),
    index("spans_event_id_idx").on(sql`(${t.attributes} ->> 'event.id')`).where(sql`${t.attributes} ? 'event.id'`),
    // Ingest's stored children by their parent (migration 0024): a request's lookups cost the
    // same however big the trace already is. Not led by tenant and trace, so that lookups by span
    // id never take it.
    index("spans_parent_idx").on(t.parentSpanId, t.tenantId),
  ],
);

const bytea = customType<{ data: Uint8Array; driverData: Buffer }>({ dataType: () => "bytea" });

/**
 * A sealed trace's spans as compressed segments (migration 0028, lib/traces/segments,
 * docs/sealed-traces.md): partitioned by day on start_time, the segment's earliest span start,
 * like spans. A late span sealed after its trace gets a further `seq`.
 */
export const spanSegments = pgTable(
  "span_segments",
  {
    tenantId: text("tenant_id").notNull(),
    traceId: uuid("trace_id").notNull(),
    seq: integer("seq").notNull(),
    startTime: ts("start_time").notNull(),
    /** The latest span end in the segment. */
    endTime: ts("end_time").notNull(),
    spanCount: integer("span_count").notNull(),
    segment: bytea("segment").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.traceId, t.seq, t.startTime] }),
    check("span_segments_span_count_check", sql`${t.spanCount} > 0`),
  ],
);

/**
 * What /investigate finds across traces of a sealed trace's spans (migration 0030,
 * lib/traces/span-store/investigate-refs.ts): errors, retries, job and event ids, with only the
 * columns and attribute keys its window queries read. Written by the sealer; partitioned by
 * day on the span's start, like spans.
 */
export const sealedSpanRefs = pgTable(
  "sealed_span_refs",
  {
    tenantId: text("tenant_id").notNull(),
    traceId: uuid("trace_id").notNull(),
    spanId: bigint("span_id", { mode: "bigint" }).notNull(),
    startTime: ts("start_time").notNull(),
    parentSpanId: bigint("parent_span_id", { mode: "bigint" }),
    service: text("service").notNull(),
    name: text("name").notNull(),
    durationNs: nanos("duration_ns").notNull(),
    statusCode: smallint("status_code").notNull(),
    statusMessage: text("status_message"),
    attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull(),
    events: jsonb("events").$type<SpanEvent[]>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.traceId, t.spanId, t.startTime] }),
    index("sealed_span_refs_retries_idx")
      .on(t.tenantId, t.startTime)
      .where(
        sql`${t.attributes} ? 'http.request.resend_count' OR (${t.attributes} ? 'job.attempt' AND ${t.attributes} -> 'job.attempt' <> '1'::jsonb)`,
      ),
    index("sealed_span_refs_job_id_idx").on(sql`(${t.attributes} ->> 'job.id')`).where(sql`${t.attributes} ? 'job.id'`),
    index("sealed_span_refs_event_id_idx").on(sql`(${t.attributes} ->> 'event.id')`).where(sql`${t.attributes} ? 'event.id'`),
  ],
);

/** Resource attributes, stored once per distinct resource instead of on every span. */
export const resources = pgTable(
  "resources",
  {
    tenantId: text("tenant_id").notNull(),
    id: bigint("id", { mode: "bigint" }).notNull(),
    attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull(),
    /** OTLP ResourceSpans.schema_url, '' for none (0017). */
    schemaUrl: text("schema_url").notNull().default(""),
    droppedAttributesCount: integer("dropped_attributes_count").notNull().default(0),
    firstSeen: ts("first_seen").notNull().defaultNow(),
    /** The UTC day of the latest span start stored with it: retention purges it once that day has expired (0014). */
    lastSpanDay: date("last_span_day", { mode: "string" }).notNull().default(sql`current_date`),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/** Instrumentation scopes (with their ScopeSpans' schema URL), stored once per tenant like resources (0017). */
export const scopes = pgTable(
  "scopes",
  {
    tenantId: text("tenant_id").notNull(),
    id: bigint("id", { mode: "bigint" }).notNull(),
    name: text("name").notNull(),
    version: text("version").notNull(),
    attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull(),
    droppedAttributesCount: integer("dropped_attributes_count").notNull().default(0),
    schemaUrl: text("schema_url").notNull(),
    firstSeen: ts("first_seen").notNull().defaultNow(),
    lastSpanDay: date("last_span_day", { mode: "string" }).notNull().default(sql`current_date`),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/** One summary row per trace, maintained at ingest; trace search reads only this table. */
export const traces = pgTable(
  "traces",
  {
    tenantId: text("tenant_id").notNull(),
    traceId: uuid("trace_id").notNull(),
    startTime: ts("start_time").notNull(),
    endTime: ts("end_time").notNull(),
    durationNs: nanos("duration_ns").notNull(),
    rootSpanId: bigint("root_span_id", { mode: "bigint" }),
    rootService: text("root_service"),
    rootName: text("root_name"),
    /** The root span's duration, set with root_span_id (migration 0035): slow requests rank by it. */
    rootDurationNs: nanos("root_duration_ns"),
    requestId: text("request_id"),
    spanCount: integer("span_count").notNull(),
    errorCount: integer("error_count").notNull().default(0),
    services: text("services").array().notNull(),
    hasError: boolean("has_error").notNull().default(false),
    isSlow: boolean("is_slow").notNull().default(false),
    isSecurity: boolean("is_security").notNull().default(false),
    sampleWeight: real("sample_weight").notNull().default(1),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    /** Span attribute key -> distinct values of the trace's spans (lib/ingest/derivations/trace-attributes.ts), migration 0008. */
    attributes: jsonb("attributes").$type<Record<string, unknown[]>>().notNull().default({}),
    /**
     * The summary's numbers as search cells (lib/ingest/derivations/number-cells.ts), migration 0011. A
     * writer that leaves it NULL has it computed by the traces_fill_number_cells trigger.
     */
    attributeNumberCells: text("attribute_number_cells").array(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.traceId] }),
    // Its key's tail makes a window's reads index-only (slow versus normal, the scatter; migration 0025).
    index("traces_tenant_start_idx").on(t.tenantId, t.startTime.desc().nullsFirst(), t.traceId, t.durationNs, t.hasError, t.isSlow, t.isSecurity),
    index("traces_start_idx").on(t.startTime.desc().nullsFirst()),
    index("traces_trace_id_idx").on(t.traceId),
    index("traces_request_id_idx").on(t.requestId).where(sql`${t.requestId} IS NOT NULL`),
    index("traces_tenant_root_idx").on(t.tenantId, t.rootService, t.rootName, t.startTime.desc().nullsFirst()),
    index("traces_tenant_errors_idx").on(t.tenantId, t.startTime.desc().nullsFirst()).where(sql`${t.hasError}`),
    // Slow roots of a window across tenants (/investigate, migration 0006).
    index("traces_slow_idx").on(t.startTime.desc().nullsFirst()).where(sql`${t.isSlow}`),
    // Trace search (migrations 0008, 0032): attribute containment only, probed by traces_matching_attributes.
    index("traces_attributes_idx").using("gin", t.attributes.op("jsonb_path_ops")),
    // Sorts by duration, errors or span count, walked until enough rows fall in the window.
    index("traces_duration_idx").on(t.durationNs.desc().nullsFirst(), t.startTime),
    index("traces_tenant_duration_idx").on(t.tenantId, t.durationNs.desc().nullsFirst(), t.startTime),
    index("traces_error_count_idx").on(t.errorCount.desc().nullsFirst(), t.startTime),
    index("traces_span_count_idx").on(t.spanCount.desc().nullsFirst(), t.startTime),
    // Numeric conditions, probed by traces_matching_number (migration 0011).
    index("traces_attribute_numbers_idx").using("gin", t.attributeNumberCells),
  ],
);

export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    // Position in the hash chain, assigned by the insert trigger under a lock; ids from the
    // sequence can commit out of order, the chain cannot.
    seq: bigint("seq", { mode: "number" }).unique(),
    at: ts("at").notNull().defaultNow(),
    actorId: uuid("actor_id"),
    actorEmail: text("actor_email"),
    role: text("role"),
    action: text("action").notNull(),
    resource: text("resource"),
    tenants: text("tenants").array().notNull().default(sql`'{}'::text[]`),
    outcome: text("outcome").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    requestId: text("request_id"),
    traceId: text("trace_id"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    prevHash: text("prev_hash"),
    hash: text("hash"),
    // HMAC of the row's content with AUDIT_HMAC_KEY, computed by the app (lib/audit/mac.ts);
    // null on rows written without a key. Part of `hash`, so the chain covers it too.
    mac: text("mac"),
  },
  (t) => [
    index("audit_log_at_idx").on(t.at.desc().nullsFirst()),
    index("audit_log_actor_at_idx").on(t.actorId, t.at.desc().nullsFirst()),
    index("audit_log_tenants_idx").using("gin", t.tenants),
  ],
);

export const retentionRuns = pgTable(
  "retention_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    startedAt: ts("started_at").notNull().defaultNow(),
    finishedAt: ts("finished_at"),
    outcome: text("outcome").notNull().default("running"),
    counts: jsonb("counts").$type<Record<string, unknown>>().notNull().default({}),
    partitionsDropped: text("partitions_dropped").array().notNull().default(sql`'{}'::text[]`),
    heldTenants: text("held_tenants").array().notNull().default(sql`'{}'::text[]`),
    error: text("error"),
  },
  (t) => [index("retention_runs_started_idx").on(t.startedAt.desc().nullsFirst())],
);

export interface SpanEvent {
  name: string;
  timeUnixNano: string;
  attributes: Record<string, unknown>;
  /** Present when the exporter or ingest's limits dropped some. */
  droppedAttributesCount?: number;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  /** W3C tracestate of the linked span context, when it had one. */
  traceState?: string;
  /** OTLP link flags (fixed32), when not 0. */
  flags?: number;
  attributes: Record<string, unknown>;
  /** Present when the exporter or ingest's limits dropped some. */
  droppedAttributesCount?: number;
}

export type Tenant = typeof tenants.$inferSelect;
export type User = typeof users.$inferSelect;
export type UserRole = (typeof userRole.enumValues)[number];
export type SpanRow = typeof spans.$inferInsert;
export type TraceRow = typeof traces.$inferSelect;
