import "server-only";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import type { TenantScope } from "@/db/tenant-scope";
import { withTenantScope } from "@/lib/db/scoped";
import type { AutocompleteParams } from "./autocomplete-params";
import { withinRetention } from "../retention-filter";
import { searchTenants } from "./search-sql";

type Fragment = PendingQuery<Row[]>;

export const SUGGESTIONS = 20;
/**
 * Attribute keys are suggested from a sample of traces that knows the vocabulary: the newest
 * few of every root operation (a trace's keys mostly follow its operation, and an operation
 * rare lately still counts) and the newest traces of each tenant (traces without a root yet).
 * Reading each sampled summary costs ~20 µs, so the sample stays in the hundreds.
 */
const KEY_SAMPLE = { perOperation: 3, operations: 400, perTenant: 50 } as const;

/** Each tenant's distinct (root service, root name), as the CTE `ops`, by a skip scan of traces_tenant_root_idx. */
function rootOperations(tx: TransactionSql, tenants: Fragment): Fragment {
  return tx`
    WITH RECURSIVE ops AS (
      SELECT s.id AS tenant_id, x.root_service, x.root_name
      FROM (${tenants}) s CROSS JOIN LATERAL (
        SELECT root_service, root_name FROM traces
        WHERE tenant_id = s.id AND root_service IS NOT NULL AND root_name IS NOT NULL
        ORDER BY root_service, root_name LIMIT 1) x
      UNION ALL
      SELECT o.tenant_id, x.root_service, x.root_name
      FROM ops o CROSS JOIN LATERAL (
        SELECT root_service, root_name FROM traces
        WHERE tenant_id = o.tenant_id AND (root_service, root_name) > (o.root_service, o.root_name) AND root_name IS NOT NULL
        ORDER BY root_service, root_name LIMIT 1) x
    )`;
}

/**
 * Suggestions for a filter field, from the caller's tenants only (in SQL and by row-level
 * security), so a tenant_viewer never learns another tenant's service or operation names.
 * Services come from the deduplicated resources, operations from a skip scan of the traces
 * index on (tenant, root service, root name): neither scans spans.
 */
export async function suggestIn(tx: TransactionSql, scope: TenantScope, p: AutocompleteParams): Promise<string[]> {
  const asked = searchTenants(scope, p.tenant);
  const tenants = asked ? tx`SELECT unnest(${asked as string[]}::text[]) AS id` : tx`SELECT id FROM tenants`;
  const prefix = p.prefix.toLowerCase();
  let rows: { value: string }[];
  switch (p.field) {
    case "service":
      rows = await tx<{ value: string }[]>`
        SELECT DISTINCT COALESCE(NULLIF(r.attributes ->> 'service.name', ''), 'unknown_service') AS value
        FROM resources r WHERE r.tenant_id IN (${tenants})
          AND starts_with(lower(COALESCE(NULLIF(r.attributes ->> 'service.name', ''), 'unknown_service')), ${prefix})
        ORDER BY 1 LIMIT ${SUGGESTIONS}`;
      break;
    case "operation":
      rows = await tx<{ value: string }[]>`
        ${rootOperations(tx, tenants)}
        SELECT DISTINCT root_name AS value FROM ops WHERE starts_with(lower(root_name), ${prefix})
        ORDER BY 1 LIMIT ${SUGGESTIONS}`;
      break;
    case "attribute_key":
      // The retention bound on kept traces is an index condition, so an operation whose
      // traces all expired costs one probe, not a walk through them.
      rows = await tx<{ value: string }[]>`
        ${rootOperations(tx, tenants)}
        SELECT DISTINCT k AS value
        FROM (
          SELECT r.attributes FROM (SELECT * FROM ops LIMIT ${KEY_SAMPLE.operations}) o CROSS JOIN LATERAL (
            SELECT t.attributes FROM traces t JOIN tenants n ON n.id = t.tenant_id
            WHERE t.tenant_id = o.tenant_id AND t.root_service = o.root_service AND t.root_name = o.root_name
              AND t.start_time >= now() - make_interval(days => (SELECT kept_retention_days FROM tenants WHERE id = o.tenant_id))
              AND ${withinRetention(tx)}
            ORDER BY t.start_time DESC LIMIT ${KEY_SAMPLE.perOperation}) r
          UNION ALL
          SELECT r.attributes FROM (${tenants}) s CROSS JOIN LATERAL (
            SELECT t.attributes FROM traces t JOIN tenants n ON n.id = t.tenant_id
            WHERE t.tenant_id = s.id AND ${withinRetention(tx)}
            ORDER BY t.start_time DESC LIMIT ${KEY_SAMPLE.perTenant}) r
        ) sample, jsonb_object_keys(sample.attributes) k
        WHERE starts_with(lower(k), ${prefix})
        ORDER BY 1 LIMIT ${SUGGESTIONS}`;
      break;
  }
  return rows.map((r) => r.value);
}

export function suggest(scope: TenantScope, p: AutocompleteParams): Promise<string[]> {
  return withTenantScope(scope, (tx) => suggestIn(tx, scope, p));
}
