import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const outboxStatuses = ["pending", "delivered", "failed"] as const;

/**
 * Integration events written in the same transaction as the business change that caused them
 * (emitEvent of @trace-explorer/tracing/outbox), then delivered by the relay. Each row carries the W3C trace context
 * of the span that emitted it, so the relay continues the same trace (ADR-012).
 */
export const outboxEvents = pgTable(
  "outbox_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    // NULL for platform-wide events that belong to no tenant.
    tenantId: text("tenant_id"),
    payload: jsonb("payload").$type<unknown>().notNull(),
    traceparent: text("traceparent").notNull(),
    tracestate: text("tracestate"),
    // Derived, so it can never disagree with the traceparent it comes from.
    traceId: text("trace_id")
      .notNull()
      .generatedAlwaysAs(sql`substr(traceparent, 4, 32)`),
    requestId: text("request_id").notNull(),
    status: text("status", { enum: outboxStatuses }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: ts("created_at").notNull().defaultNow(),
    availableAt: ts("available_at").notNull().defaultNow(),
    deliveredAt: ts("delivered_at"),
  },
  (t) => [
    // The same rules the tracing library applies (its packages/tracing/sql/outbox.sql is this table): an event without usable correlation ids is refused
    // by the database too, whoever writes it.
    check(
      "outbox_traceparent_format",
      sql`${t.traceparent} ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$'
        AND substr(${t.traceparent}, 4, 32) <> repeat('0', 32)
        AND substr(${t.traceparent}, 37, 16) <> repeat('0', 16)`,
    ),
    check("outbox_request_id_format", sql`${t.requestId} ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$'`),
    check(
      "outbox_tenant_id_format",
      sql`${t.tenantId} IS NULL OR (${t.tenantId} ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$' AND ${t.tenantId} NOT LIKE '%..%')`,
    ),
    check("outbox_status_values", sql`${t.status} IN ('pending', 'delivered', 'failed')`),
    index("outbox_events_pending_idx").on(t.availableAt).where(sql`${t.status} = 'pending'`),
    index("outbox_events_trace_id_idx").on(t.traceId),
  ],
);

export type OutboxEventRow = typeof outboxEvents.$inferSelect;
