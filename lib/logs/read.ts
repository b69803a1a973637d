import "server-only";
import type { TransactionSql } from "postgres";
import { z } from "zod";
import type { Sql } from "@/db/connect";
import { logBodyTypes, type LogBodyType } from "@/db/schema-logs";
import { bigintToSpanId, checkedSpanIdToBigint, traceIdToUuid, uuidToTraceId } from "@/db/span-codec/ids";
import type { TenantScope } from "@/db/tenant-scope";
import { likePattern } from "@/lib/db/like-pattern";
import { withTenantScope } from "@/lib/db/scoped";
import { tenantIdSchema } from "@/lib/tenants/tenant-id";
import { spanIdParam, traceIdParam } from "@/lib/traces/trace/trace-id";

/**
 * Reading stored log records, always under the caller's tenant scope (row-level security) and
 * filtering tenants in SQL too: the logs of one trace in time order, and a tenant's logs in a
 * window, newest first, by minimum severity and body text. Both page by keyset (an opaque
 * cursor), so a large trace or window is read a page at a time.
 */

export interface LogLine {
  tenantId: string;
  /** Unix nanoseconds, as decimal text (exact). */
  timeNs: string;
  observedTimeNs: string | null;
  severityNumber: number;
  severityText: string | null;
  bodyType: LogBodyType;
  /** As attribute values are stored (lib/attributes/stored-value.ts); null for an empty body. */
  body: unknown;
  attributes: Record<string, unknown>;
  /** 32 and 16 hex digits; null when the record names none. */
  traceId: string | null;
  spanId: string | null;
  flags: number;
  eventName: string | null;
  /** The resource's service.name, when it has one. */
  service: string | null;
}

export interface LogPage {
  lines: LogLine[];
  /** Pass back as `after` for the next page; null on the last. */
  next: string | null;
}

export const MAX_PAGE = 500;
const DEFAULT_PAGE = 100;

const cursorSchema = z.tuple([z.string().regex(/^\d{1,20}$/), tenantIdSchema, z.string().regex(/^-?\d{1,19}$/), z.number().int().min(0).max(999)]);

/** A page's last row as the next page's start: its time (µs since the epoch), tenant, record id and the ns within its µs. */
function encodeCursor(row: Row): string {
  return Buffer.from(JSON.stringify([row.time_us, row.tenant_id, row.record_id, row.time_sub_us_ns])).toString("base64url");
}

export const cursor = z
  .string()
  .max(200)
  .transform((v, ctx) => {
    try {
      return cursorSchema.parse(JSON.parse(Buffer.from(v, "base64url").toString("utf8")));
    } catch {
      ctx.addIssue({ code: "custom", message: "not a cursor from a previous page" });
      return z.NEVER;
    }
  });

/** Whether `value` is a cursor a page of this module handed out (for validating it at a route). */
export const isLogCursor = (value: string): boolean => cursor.safeParse(value).success;

const pageSize = z.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE);

export const traceLogsQuery = z.object({
  tenantId: tenantIdSchema,
  traceId: traceIdParam,
  /** Only the records written in this span. */
  spanId: spanIdParam.optional(),
  /** Records at this severity number or above. */
  minSeverity: z.number().int().min(0).max(24).default(0),
  /** Text the body contains, any case: a find within one trace, where a scan of its records is cheap. */
  text: z.string().trim().max(200).optional(),
  after: cursor.optional(),
  limit: pageSize,
});

export const windowLogsQuery = z
  .object({
    /** Null: every tenant of the caller's scope (row-level security and the probe apply it); empty: none. */
    tenantIds: z.array(tenantIdSchema).max(100).nullable(),
    from: z.date(),
    to: z.date(),
    /** Records at this severity number or above (9 info, 13 warn, 17 error, 21 fatal). */
    minSeverity: z.number().int().min(0).max(24).default(0),
    /** Words the body must contain, each as a whole word (full text, 'simple' configuration). */
    text: z.string().trim().max(200).optional(),
    after: cursor.optional(),
    limit: pageSize,
  })
  .refine((q) => q.from < q.to, { message: "the window must end after it starts", path: ["to"] });

interface Row {
  tenant_id: string;
  time_us: string;
  time_sub_us_ns: number;
  record_id: string;
  observed_time_ns: string | null;
  severity_number: number;
  severity_text: string | null;
  body_type: LogBodyType;
  body: unknown;
  attributes: Record<string, unknown>;
  trace_id: string | null;
  span_id: string | null;
  flags: number;
  event_name: string | null;
  service: string | null;
}

const COLUMNS = `
  l.tenant_id, ((extract(epoch FROM l.time) * 1000000)::bigint)::text AS time_us, l.time_sub_us_ns, l.record_id::text,
  l.observed_time_ns::text, l.severity_number, l.severity_text, l.body_type, l.body, l.attributes, l.trace_id::text,
  l.span_id::text, l.flags, l.event_name, r.attributes ->> 'service.name' AS service`;
const RESOURCE = `LEFT JOIN resources r ON r.tenant_id = l.tenant_id AND r.id = l.resource_id`;
// The microsecond in a cursor, back as a timestamptz.
const FROM_US = (p: string) => `('epoch'::timestamptz + (${p})::bigint * interval '1 microsecond')`;

function line(row: Row): LogLine {
  if (!logBodyTypes.includes(row.body_type)) throw new Error(`unknown log body type ${row.body_type}`);
  return {
    tenantId: row.tenant_id,
    timeNs: (BigInt(row.time_us) * 1000n + BigInt(row.time_sub_us_ns)).toString(),
    observedTimeNs: row.observed_time_ns,
    severityNumber: row.severity_number,
    severityText: row.severity_text,
    bodyType: row.body_type,
    body: row.body,
    attributes: row.attributes,
    traceId: row.trace_id === null ? null : uuidToTraceId(row.trace_id),
    spanId: row.span_id === null ? null : bigintToSpanId(BigInt(row.span_id)),
    // Stored as the fixed32's signed int4 bits.
    flags: row.flags >>> 0,
    eventName: row.event_name,
    service: row.service,
  };
}

function page(rows: Row[], limit: number): LogPage {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { lines: kept.map(line), next: more ? encodeCursor(kept[kept.length - 1]!) : null };
}

/** The log records of one trace, oldest first to the nanosecond (log_records_trace_idx), by span, minimum severity and body text. */
export async function logsOfTrace(scope: TenantScope, input: z.input<typeof traceLogsQuery>, sql?: Sql): Promise<LogPage> {
  const q = traceLogsQuery.parse(input);
  const after = q.after ?? null;
  const span = q.spanId === undefined ? null : checkedSpanIdToBigint(q.spanId).toString();
  const text = q.text ? likePattern(q.text) : null;
  const rows = await withTenantScope(
    scope,
    (tx: TransactionSql) =>
      tx.unsafe<Row[]>(
        `SELECT ${COLUMNS} FROM log_records l ${RESOURCE}
         WHERE l.tenant_id = $1 AND l.trace_id = $2::uuid
           AND ($3::text IS NULL OR (l.time, l.time_sub_us_ns, l.record_id) > (${FROM_US("$3")}, $9::int, $4::bigint))
           AND ($6::bigint IS NULL OR l.span_id = $6::bigint)
           AND l.severity_number >= $7
           AND ($8::text IS NULL OR coalesce(l.body #>> '{}', '') ILIKE $8)
         ORDER BY l.time, l.time_sub_us_ns, l.record_id
         LIMIT $5`,
        [q.tenantId, traceIdToUuid(q.traceId), after?.[0] ?? null, after?.[2] ?? null, q.limit + 1, span, q.minSeverity, text, after?.[3] ?? null],
      ),
    sql,
  );
  return page(rows, q.limit);
}

/**
 * A tenant's (or tenants') log records in a window, newest first, by minimum severity and body
 * words. The records are found by log_records_matching (migration 0026), which the reader role
 * may call: under row-level security its own query could not use the full-text index.
 */
export async function logsInWindow(scope: TenantScope, input: z.input<typeof windowLogsQuery>, sql?: Sql): Promise<LogPage> {
  const q = windowLogsQuery.parse(input);
  const after = q.after ?? null;
  const text = q.text ? q.text : null;
  const rows = await withTenantScope(
    scope,
    (tx: TransactionSql) =>
      tx.unsafe<Row[]>(
        `SELECT ${COLUMNS}
         FROM log_records_matching($1::text[], $2, $3, $4::int, $5::text, false, ${FROM_US("$6::text")}, $7::text, $8::bigint, $9::int) m
         JOIN log_records l ON l.tenant_id = m.tenant_id AND l.time = m.time AND l.record_id = m.record_id
         ${RESOURCE}
         ORDER BY l.time DESC, l.tenant_id DESC, l.record_id DESC`,
        [q.tenantIds, q.from, q.to, q.minSeverity, text, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, q.limit + 1],
      ),
    sql,
  );
  return page(rows, q.limit);
}
