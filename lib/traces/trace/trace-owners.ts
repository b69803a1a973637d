import "server-only";
import type { TransactionSql } from "postgres";
import { withTenantScope } from "@/lib/db/scoped";
import { checkedTraceIdUuid } from "@/db/span-codec/ids";
import { withinRetention } from "../retention-filter";

/**
 * The tenants that hold a (not expired) trace with this id, across every tenant: what the
 * audit row of a read names, looked up before the gate so the row can say whose data was
 * read, or whose id was probed. Never returned to the caller.
 */
export async function findTraceOwners(tx: TransactionSql, traceId: string, tenant?: string): Promise<string[]> {
  const rows = await tx<{ tenantId: string }[]>`
    SELECT DISTINCT t.tenant_id AS "tenantId"
    FROM traces t JOIN tenants n ON n.id = t.tenant_id
    WHERE t.trace_id = ${checkedTraceIdUuid(traceId)}::uuid
      AND ${tenant === undefined ? tx`true` : tx`t.tenant_id = ${tenant}`}
      AND ${withinRetention(tx)}
    ORDER BY 1`;
  return rows.map((r) => r.tenantId);
}

export function traceOwners(traceId: string, tenant?: string): Promise<string[]> {
  return withTenantScope({ all: true }, (tx) => findTraceOwners(tx, traceId, tenant));
}
