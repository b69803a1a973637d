import { sql } from "drizzle-orm";
import { bigint, check, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** An OTLP log body's type, beside the value (`body`), which is stored as attribute values are. */
export const logBodyTypes = ["empty", "string", "bool", "int", "double", "array", "kvlist", "bytes"] as const;
export type LogBodyType = (typeof logBodyTypes)[number];

/**
 * One row per OTLP log record (migration 0023), partitioned by day on `time` like spans (the
 * migration says so; drizzle cannot). `record_id` hashes the row's content, so a retried export
 * stores nothing twice; resources and scopes are the spans' own rows.
 */
export const logRecords = pgTable(
  "log_records",
  {
    tenantId: text("tenant_id").notNull(),
    /** The record's time, else its observed time, to the microsecond. */
    time: timestamp("time", { withTimezone: true, mode: "date" }).notNull(),
    /** The time's nanoseconds below the microsecond (0-999). */
    timeSubUsNs: smallint("time_sub_us_ns").notNull().default(0),
    recordId: bigint("record_id", { mode: "bigint" }).notNull(),
    /** When the collecting system saw it (Unix ns); NULL when not sent. */
    observedTimeNs: bigint("observed_time_ns", { mode: "bigint" }),
    severityNumber: smallint("severity_number").notNull().default(0),
    severityText: text("severity_text"),
    bodyType: text("body_type", { enum: logBodyTypes }).notNull(),
    body: jsonb("body").$type<unknown>(),
    attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default({}),
    resourceId: bigint("resource_id", { mode: "bigint" }).notNull(),
    scopeId: bigint("scope_id", { mode: "bigint" }).notNull(),
    traceId: uuid("trace_id"),
    spanId: bigint("span_id", { mode: "bigint" }),
    /** OTLP log record flags (fixed32, as its signed int4 bits, like spans.flags). */
    flags: integer("flags").notNull().default(0),
    eventName: text("event_name"),
    droppedAttributesCount: integer("dropped_attributes_count").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.time, t.recordId] }),
    check("log_records_time_sub_us_ns_check", sql`${t.timeSubUsNs} BETWEEN 0 AND 999`),
    check("log_records_severity_number_check", sql`${t.severityNumber} BETWEEN 0 AND 24`),
    check("log_records_body_type_check", sql`${t.bodyType} IN ('empty', 'string', 'bool', 'int', 'double', 'array', 'kvlist', 'bytes')`),
    index("log_records_trace_idx").on(t.tenantId, t.traceId, t.time).where(sql`${t.traceId} IS NOT NULL`),
    index("log_records_body_search_idx").using("gin", sql`to_tsvector('simple'::regconfig, coalesce(${t.body} #>> '{}', ''))`),
  ],
);
