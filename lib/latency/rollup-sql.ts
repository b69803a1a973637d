import "server-only";
// The read side every minute rollup (span_rollup, service_map_rollup) shares: which rows a
// caller may read, which retention hides, and how their histograms travel.
import type { PendingQuery, Row, TransactionSql } from "postgres";
import type { TenantScope } from "@/db/tenant-scope";

type Fragment = PendingQuery<Row[]>;

/**
 * `AND` conditions on `alias`'s tenant: the tenants picked (none picked: every one in the
 * caller's scope), and the scope again: two layers, this filter and RLS.
 */
export function rollupTenantFilter(tx: TransactionSql, scope: TenantScope, picked: readonly string[], alias: string): Fragment {
  const tenants = picked.length > 0 ? picked : scope.all ? null : scope.tenantIds;
  return tx`
    ${tenants ? tx`AND ${tx(alias)}.tenant_id = ANY(${[...tenants]}::text[])` : tx``}
    ${scope.all ? tx`` : tx`AND ${tx(alias)}.tenant_id = ANY(${[...scope.tenantIds]}::text[])`}`;
}

/**
 * Keeps `alias`'s rows within their tenant's standard retention (ADR-010), before or after the
 * purge. A row past the latest cutoff of any tenant is past its own: one comparison with a value
 * computed once, where joining tenants for every row cost the operations table ~12% of its time.
 */
export function withinRollupRetention(tx: TransactionSql, alias: string): Fragment {
  const u = tx(alias);
  return tx`(${u}.minute >= (SELECT max(now() - make_interval(days => retention_days)) FROM tenants)
     OR ${u}.minute >= (SELECT now() - make_interval(days => c.retention_days) FROM tenants c WHERE c.id = ${u}.tenant_id))`;
}

/**
 * A group's histograms as two aligned comma-separated texts, `buckets` and `weights`, for
 * addHistogramText (merged-histogram.ts): Postgres writes them out at a fraction of the cost of
 * unnesting and hashing every cell.
 */
export function histogramTexts(tx: TransactionSql, alias: string): Fragment {
  const r = tx(alias);
  return tx`string_agg(array_to_string(${r}.buckets, ','), ',') FILTER (WHERE cardinality(${r}.buckets) > 0) AS buckets,
           string_agg(array_to_string(${r}.weights, ','), ',') FILTER (WHERE cardinality(${r}.buckets) > 0) AS weights`;
}
