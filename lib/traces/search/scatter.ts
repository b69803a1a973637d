import "server-only";
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/db/tenant-scope";
import { withTenantScope } from "@/lib/db/scoped";
import { probedConditions } from "./search-probes";
import type { AttributeCondition, SearchFilters } from "./search-params";
import { searchSource, searchWhere, searchWindow, type LookupStep } from "./search-sql";

/** At most this many points are plotted; past it the plot is a stated sample. */
export const SCATTER_CAP = 5000;
/** The slowest matches, always plotted: the outliers a user looks for. */
export const SCATTER_SLOWEST = 100;

export interface ScatterTrace {
  traceId: string;
  tenantId: string;
  startTime: string;
  durationNs: number;
  error: boolean;
  rootService: string | null;
  rootName: string | null;
}

export interface ScatterResult {
  points: ScatterTrace[];
  /** Every match of the filters in the window (within retention and scope). */
  total: number;
  /** How many of them have an error. */
  errors: number;
  /** Fewer points than matches: the slowest, the errors and a sample of the rest. */
  sampled: boolean;
  /** Every error is among the points (false only when the errors alone exceed the cap). */
  allErrors: boolean;
}

export interface ScatterLimits {
  cap: number;
  slowest: number;
}

/**
 * Every trace matching a search's filters, for the duration scatter: independent of the
 * table's sort, cursor and page size. Up to the cap, all of them; beyond it the slowest, every
 * error (the slowest errors if they alone pass the cap) and a sample of the other traces by a
 * hash of the trace id, so a reload plots the same points and the sample is spread over the
 * window. The transaction is the caller's, under the reader role (withTenantScope).
 */
export async function scatterIn(
  tx: TransactionSql,
  scope: TenantScope,
  f: SearchFilters,
  now = new Date(),
  limits: ScatterLimits = { cap: SCATTER_CAP, slowest: SCATTER_SLOWEST },
): Promise<ScatterResult> {
  // As in searchTracesIn: a generic plan cannot see the window or the tenants.
  await tx`SELECT set_config('plan_cache_mode', 'force_custom_plan', true)`;
  if (!f.q) {
    const window = searchWindow(scope, f, now);
    const probed = window ? await probedConditions(tx, f.attr ?? [], window) : new Set<AttributeCondition>();
    return select(tx, scope, f, null, now, probed, limits);
  }
  const byIds = await select(tx, scope, f, { q: f.q, step: "ids" }, now, new Set(), limits);
  return byIds.total > 0 ? byIds : select(tx, scope, f, { q: f.q, step: "attributes" }, now, new Set(), limits);
}

interface ScatterRow extends ScatterTrace {
  total: number;
  errors: number;
}

async function select(
  tx: TransactionSql,
  scope: TenantScope,
  f: SearchFilters,
  lookupBy: { q: string; step: LookupStep } | null,
  now: Date,
  probed: ReadonlySet<AttributeCondition>,
  { cap, slowest }: ScatterLimits,
): Promise<ScatterResult> {
  const rows = await tx<ScatterRow[]>`
    WITH m AS MATERIALIZED (
      SELECT t.tenant_id, t.trace_id, t.start_time, t.duration_ns, t.has_error, t.root_service, t.root_name
      FROM ${searchSource(tx, lookupBy)} JOIN tenants n ON n.id = t.tenant_id
      WHERE ${searchWhere(tx, scope, f, now, probed)}
    ),
    counts AS (SELECT count(*)::int AS total, (count(*) FILTER (WHERE has_error))::int AS errors FROM m),
    kept AS (
      (SELECT tenant_id, trace_id FROM m ORDER BY duration_ns DESC, tenant_id, trace_id LIMIT ${slowest})
      UNION
      (SELECT tenant_id, trace_id FROM m WHERE has_error ORDER BY duration_ns DESC, tenant_id, trace_id LIMIT ${cap - slowest})
    ),
    rest AS (
      SELECT m.tenant_id, m.trace_id FROM m
      WHERE NOT EXISTS (SELECT 1 FROM kept k WHERE k.tenant_id = m.tenant_id AND k.trace_id = m.trace_id)
      ORDER BY hashtext(m.trace_id::text), m.tenant_id, m.trace_id
      LIMIT greatest(0, ${cap} - (SELECT count(*) FROM kept))
    )
    SELECT m.trace_id AS "traceId", m.tenant_id AS "tenantId",
           to_char(m.start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "startTime",
           m.duration_ns::float8 AS "durationNs", m.has_error AS error,
           m.root_service AS "rootService", m.root_name AS "rootName", c.total, c.errors
    FROM counts c LEFT JOIN (m JOIN (SELECT * FROM kept UNION ALL SELECT * FROM rest) p USING (tenant_id, trace_id)) ON true
    ORDER BY m.start_time`;
  const total = rows[0]?.total ?? 0;
  const errors = rows[0]?.errors ?? 0;
  const points = rows.filter((r) => r.traceId !== null).map(({ total: _t, errors: _e, ...p }) => p);
  return { points, total, errors, sampled: points.length < total, allErrors: points.filter((p) => p.error).length === errors };
}

/** `scatterIn` under the caller's tenant scope. */
export function scatterTraces(scope: TenantScope, f: SearchFilters): Promise<ScatterResult> {
  return withTenantScope(scope, (tx) => scatterIn(tx, scope, f));
}
