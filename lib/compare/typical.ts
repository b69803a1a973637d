import "server-only";
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/db/tenant-scope";
import { checkedTraceIdUuid } from "@/db/span-codec/ids";
import { withinRetention } from "@/lib/traces/retention-filter";
import type { TraceHeader } from "@/lib/traces/trace/trace-header";
import { tenantFilter } from "@/lib/traces/trace/trace-scope-sql";

/** The window around the trace's start that "typical" is judged in, each way. */
export const TYPICAL_WINDOW_MINUTES = 60;
/** At most this many traces of the operation (the latest in the window) make the median: bounded work. */
export const TYPICAL_SAMPLE = 5_000;

/** The trace picked as typical, and why: the numbers the page states. */
export interface TypicalPick {
  traceId: string;
  tenantId: string;
  durationNs: string;
  medianNs: string;
  /** Traces of the operation the median was taken over (the trace compared included). */
  sample: number;
  /** The window, ISO-8601 UTC. */
  from: string;
  to: string;
}

/**
 * Another trace of the same tenant with the same root service and operation, started within
 * an hour of this one, whose duration is nearest the median of that operation's traces there:
 * what this request usually looks like. Null when the trace has no root or is the only one.
 * Read under the caller's scope like every trace read; only the trace's own tenant is searched.
 */
export async function findTypical(tx: TransactionSql, scope: TenantScope, header: TraceHeader): Promise<TypicalPick | null> {
  if (header.rootService === null || header.rootName === null) return null;
  const [row] = await tx<TypicalPick[]>`
    WITH bounds AS (
      SELECT ${header.start}::text::timestamptz - make_interval(mins => ${TYPICAL_WINDOW_MINUTES}) AS lo,
             ${header.start}::text::timestamptz + make_interval(mins => ${TYPICAL_WINDOW_MINUTES}) AS hi
    ), candidates AS (
      SELECT t.trace_id, t.tenant_id, t.duration_ns, t.start_time
      FROM traces t JOIN tenants n ON n.id = t.tenant_id, bounds b
      WHERE t.tenant_id = ${header.tenantId} AND ${tenantFilter(tx, scope)}
        AND t.root_service = ${header.rootService} AND t.root_name = ${header.rootName}
        AND t.start_time >= b.lo AND t.start_time <= b.hi
        AND ${withinRetention(tx)}
      ORDER BY t.start_time DESC
      LIMIT ${TYPICAL_SAMPLE}
    ), median AS (
      SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ns) AS m, count(*)::int AS n FROM candidates
    )
    SELECT replace(c.trace_id::text, '-', '') AS "traceId", c.tenant_id AS "tenantId", c.duration_ns::text AS "durationNs",
           m.m::text AS "medianNs", m.n AS sample,
           to_char(b.lo AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "from",
           to_char(b.hi AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "to"
    FROM candidates c, median m, bounds b
    WHERE c.trace_id <> ${checkedTraceIdUuid(header.traceId)}::uuid
    ORDER BY abs(c.duration_ns - m.m), c.start_time DESC, c.trace_id
    LIMIT 1`;
  return row ?? null;
}
