import "server-only";
import { z } from "zod";
import type { TenantScope } from "@/db/tenant-scope";
import { refineTimeRange, resolveTimeRange, timeRangeParams } from "@/lib/filters/time-range";
import { tenantIdSchema } from "@/lib/tenants/tenant-id";
import { anyText, MAX_LOG_TEXT_LENGTH, rawSearchParams, repeated } from "@/lib/traces/search/search-params";
import { searchTenants } from "@/lib/traces/search/search-sql";
import { cursor, MAX_PAGE, type windowLogsQuery } from "./read";
import { LOGS_DEFAULT_RANGE } from "./defaults";
import { LOG_LEVEL_NAMES, LOG_LEVELS } from "@/lib/filters/log-level";

/**
 * The logs page's URL state (`/logs`) and the JSON API's query (`GET /api/logs`): tenants,
 * window (the last hour unless given), minimum level, body words and the page cursor. `serializeLogs` is the inverse, so a
 * link reproduces the view.
 */

export const LOGS_PAGE_SIZE = 100;

export const logsParams = z
  .object({
    tenant: repeated(tenantIdSchema, 100, "tenants").optional(),
    level: z.enum(LOG_LEVEL_NAMES, { error: `must be one of ${LOG_LEVEL_NAMES.join(", ")}` }).optional(),
    // Log text is data (a quoted message, a SQL error): any text, as a bound parameter.
    text: anyText(MAX_LOG_TEXT_LENGTH).optional(),
    // Checked here, at the boundary, so a forged cursor is a 400 before anything is read.
    cursor: z
      .string()
      .refine((v) => cursor.safeParse(v).success, "is not a cursor from a previous page")
      .optional(),
    limit: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(MAX_PAGE, `must be at most ${MAX_PAGE}`).default(LOGS_PAGE_SIZE),
  })
  .extend(timeRangeParams.shape)
  .superRefine((v, ctx) => refineTimeRange(v, ctx));

export type LogsFilters = z.output<typeof logsParams>;

/** What the reader is asked: the tenants the caller may see of those asked for (all of scope if none), and the window. */
export function logsQuery(scope: TenantScope, f: LogsFilters, now = new Date()): z.input<typeof windowLogsQuery> {
  const range = resolveTimeRange(f, LOGS_DEFAULT_RANGE, now);
  const tenants = searchTenants(scope, f.tenant);
  return {
    tenantIds: tenants ? [...tenants] : null,
    from: range.from,
    to: range.to,
    minSeverity: f.level ? LOG_LEVELS[f.level] : 0,
    text: f.text,
    after: f.cursor,
    limit: f.limit,
  };
}

/** The query string of a logs view; defaults left out. */
export function serializeLogs(f: Partial<LogsFilters>): URLSearchParams {
  const p = new URLSearchParams();
  for (const t of f.tenant ?? []) p.append("tenant", t);
  if (f.range) p.set("range", f.range);
  if (f.from) p.set("from", f.from.toISOString());
  if (f.to) p.set("to", f.to.toISOString());
  if (f.level) p.set("level", f.level);
  if (f.text) p.set("text", f.text);
  if (f.limit && f.limit !== LOGS_PAGE_SIZE) p.set("limit", String(f.limit));
  if (f.cursor) p.set("cursor", f.cursor);
  return p;
}

/** What the audit row records of a logs read: the filters as the URL says them. */
export function logsDetails(f: LogsFilters): Record<string, unknown> {
  return rawSearchParams(serializeLogs(f));
}
