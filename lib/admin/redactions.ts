import "server-only";
import type { Sql } from "@/db/connect";
import { COUNTER } from "@/lib/ingest/otlp-http/counters";

/** How many values one redaction rule removed for a tenant. */
export interface RuleCount {
  rule: string;
  count: number;
}

/**
 * Redactions per tenant and rule over the last `days` UTC days (today included), most frequent
 * first: which rules fired, so an admin can see what a tenant's services leak. The counters
 * hold rule names only (lib/ingest/otlp-http/counters.ts); no redacted value is ever stored.
 */
export async function redactionsByTenant(sql: Sql, days: number): Promise<Map<string, RuleCount[]>> {
  const prefix = COUNTER.redactionPrefix;
  const rows = await sql<{ tenantId: string; rule: string; count: number }[]>`
    SELECT tenant_id AS "tenantId", substr(counter, ${prefix.length + 1}) AS rule, sum(value)::float8 AS count
    FROM ingest_counters
    WHERE counter LIKE ${`${prefix}%`} AND day > (now() AT TIME ZONE 'UTC')::date - ${days}::int
    GROUP BY tenant_id, counter
    ORDER BY tenant_id, count DESC, rule`;
  const byTenant = new Map<string, RuleCount[]>();
  for (const { tenantId, rule, count } of rows) {
    let list = byTenant.get(tenantId);
    if (!list) byTenant.set(tenantId, (list = []));
    list.push({ rule, count });
  }
  return byTenant;
}
