import type { TenantScope } from "@/db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { searchTracesIn } from "../search/search";
import { parseSearch, type RawSearchParams } from "../search/search-params";

/** Two tenants, alpha and beta, and the three scopes a search can have over them. */
export const ALL: TenantScope = { all: true };
export const ALPHA: TenantScope = { all: false, tenantIds: ["alpha"] };
export const BETA: TenantScope = { all: false, tenantIds: ["beta"] };
export const SCOPES = [[ALL, ["alpha", "beta"]], [ALPHA, ["alpha"]], [BETA, ["beta"]]] as const;

/** A fresh database with the tenants alpha and beta. */
export async function twoTenantDatabase(): Promise<TestDatabase> {
  const t = await createTestDatabase();
  await t.sql`INSERT INTO tenants (id, name, retention_days, kept_retention_days) VALUES ('alpha', 'Alpha', 14, 30), ('beta', 'Beta', 14, 30)`;
  return t;
}

/**
 * `count` traces ten seconds apart back from now, every third of beta, the rest of alpha, with
 * the summary attributes `attributes` (SQL over the trace's number `i`, 1..count) gives each.
 */
export async function insertTraces(t: TestDatabase, count: number, attributes: string): Promise<void> {
  await t.sql`
    INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, root_span_id, root_service, root_name,
                        span_count, error_count, services, has_error, attributes)
    SELECT CASE WHEN i % 3 = 0 THEN 'beta' ELSE 'alpha' END, md5(${attributes} || i)::uuid, now() - i * interval '10 seconds', now(),
           1000000, 1, 'web', 'GET /x', 1, 0, ARRAY['web'], false, ${t.sql.unsafe(attributes)}
    FROM generate_series(1, ${count}) AS i`;
}

export function filters(raw: RawSearchParams) {
  const parsed = parseSearch(raw);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.filters;
}

/** The trace ids of a search's first page, as a reader of `scope` sees them. */
export async function searchIds(t: TestDatabase, scope: TenantScope, raw: RawSearchParams): Promise<string[]> {
  const now = new Date();
  const result = await t.asReader(scope, (tx) => searchTracesIn(tx, scope, filters(raw), now));
  return result.traces.map((h) => h.traceId);
}
