import "server-only";
import { z } from "zod";
import type { Sql } from "@/db/connect";
import type { TenantScope } from "@/db/tenant-scope";
import { withTenantScope } from "@/lib/db/scoped";
import { spanIdParam } from "@/lib/traces/trace/trace-id";
import { findTraceHeader } from "@/lib/traces/trace/trace-header";
import { tenantQuery } from "@/lib/traces/trace/trace-route-params";
import { isLogCursor, logsOfTrace, MAX_PAGE, type LogPage } from "./read";
import { SEVERITY_LEVELS, severityFloor } from "./severity";

/** The query of GET /api/traces/[traceId]/logs: the tenant as for the trace's spans, then the filters and the page. */
export const traceLogsParams = tenantQuery.extend({
  /** Only the records written in this span. */
  span: spanIdParam.optional(),
  /** The lowest level shown. */
  severity: z.enum(SEVERITY_LEVELS).optional(),
  /** Text the body contains. */
  q: z.string().trim().max(200).optional(),
  after: z.string().max(200).refine(isLogCursor, "not a cursor from a previous page").optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).optional(),
});
export type TraceLogsParams = z.infer<typeof traceLogsParams>;

/** What the audit row says about the filters of a read, beside the trace. */
export function traceLogsDetails(q: TraceLogsParams): Record<string, unknown> | undefined {
  const details = { ...(q.span ? { spanId: q.span } : {}), ...(q.severity ? { severity: q.severity } : {}), ...(q.q ? { q: q.q } : {}) };
  return Object.keys(details).length > 0 ? details : undefined;
}

/**
 * The logs of a trace as its spans are read: the trace must be in the caller's scope and within
 * retention (null otherwise, so another tenant's trace and an expired one look like none), and
 * the logs are that one tenant's, never those of another tenant's trace with the same id.
 */
export async function traceLogs(scope: TenantScope, traceId: string, q: TraceLogsParams, sql?: Sql): Promise<LogPage | null> {
  const header = await withTenantScope(scope, (tx) => findTraceHeader(tx, scope, traceId, q.tenant), sql);
  if (!header) return null;
  return logsOfTrace(
    scope,
    {
      tenantId: header.tenantId,
      traceId,
      spanId: q.span,
      minSeverity: q.severity ? severityFloor(q.severity) : 0,
      text: q.q,
      after: q.after,
      limit: q.limit,
    },
    sql,
  );
}
