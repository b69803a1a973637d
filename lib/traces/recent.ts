import "server-only";
import type { TenantScope } from "@/lib/auth/scope";
import { withTenantScope } from "@/db/scoped";
import { withinRetention } from "./retention-filter";

export interface TraceSummary {
  traceId: string;
  tenantId: string;
  startTime: Date;
  durationNs: bigint;
  rootService: string | null;
  rootName: string | null;
  spanCount: number;
  errorCount: number;
  services: string[];
}

/** The newest traces the caller may see, newest first. */
export async function recentTraces(scope: TenantScope, limit = 50): Promise<TraceSummary[]> {
  return withTenantScope(scope, async (tx) => {
    const rows = await tx<TraceSummary[]>`
      SELECT t.trace_id AS "traceId", t.tenant_id AS "tenantId", t.start_time AS "startTime",
             t.duration_ns AS "durationNs", t.root_service AS "rootService", t.root_name AS "rootName",
             t.span_count AS "spanCount", t.error_count AS "errorCount", t.services
      FROM traces t JOIN tenants n ON n.id = t.tenant_id
      WHERE ${scope.all ? tx`true` : tx`t.tenant_id = ANY(${scope.tenantIds as string[]})`}
        AND ${withinRetention(tx)}
      ORDER BY t.start_time DESC
      LIMIT ${limit}`;
    return rows;
  });
}
