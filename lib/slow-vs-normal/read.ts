import "server-only";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import type { TenantScope } from "@/db/tenant-scope";
import { withTenantScope } from "@/lib/db/scoped";
import { probedConditions } from "@/lib/traces/search/search-probes";
import type { AttributeCondition, SearchFilters } from "@/lib/traces/search/search-params";
import { searchWhere, searchWindow } from "@/lib/traces/search/search-sql";
import { rankAttributes, RANK_LIMITS, type FacetCount, type RankLimits, type SlowVsNormal } from "./rank";
import type { Selection } from "./selection-params";

/** Traces read per side: enough for shares within a couple of percent, few enough to stay interactive. */
export const SAMPLE_PER_SIDE = 1000;
/**
 * Values per key the database hands back, the most different first: ids unique to each
 * trace would otherwise send thousands of rows that can never rank.
 */
const VALUES_PER_KEY_READ = 2 * RANK_LIMITS.values;

export interface SlowVsNormalOptions {
  now?: Date;
  sample?: number;
  limits?: RankLimits;
}

type Fragment = PendingQuery<Row[]>;

function inSelection(tx: TransactionSql, s: Selection): Fragment {
  const parts: Fragment[] = [];
  if (s.selFrom) parts.push(tx`t.start_time >= ${s.selFrom}`);
  if (s.selTo) parts.push(tx`t.start_time < ${s.selTo}`);
  if (s.selMin !== undefined) parts.push(tx`t.duration_ns >= ${s.selMin.toString()}::bigint`);
  if (s.selMax !== undefined) parts.push(tx`t.duration_ns <= ${s.selMax.toString()}::bigint`);
  return parts.reduce((acc, p) => tx`${acc} AND ${p}`, tx`true`);
}

/**
 * Every trace of the search's window, whether in the selection or not: what the summaries'
 * covering index (traces_tenant_start_idx, migration 0025) holds, so it is read index-only.
 */
export function windowTraces(tx: TransactionSql, scope: TenantScope, f: SearchFilters, selection: Selection, now: Date, probed: ReadonlySet<AttributeCondition>): Fragment {
  return tx`
    SELECT t.tenant_id, t.trace_id, (${inSelection(tx, selection)}) AS sel
    FROM traces t JOIN tenants n ON n.id = t.tenant_id
    WHERE ${searchWhere(tx, scope, f, now, probed)}`;
}

interface CountRow {
  selected: number;
  rest: number;
  selectionSample: number;
  baselineSample: number;
  kind: FacetCount["kind"] | null;
  key: string | null;
  value: string | null;
  s: number;
  b: number;
}

/**
 * The selection against the rest of the search's window (its tenants, filters and time
 * range): up to `sample` traces of each side, picked by a hash of the trace id so a reload
 * reads the same ones and the sample spreads over the window, their summaries' values counted
 * per side in the database. A lookup by id has no window and is left out. The transaction is
 * the caller's, under the reader role (withTenantScope). Sampled traces mostly share whole
 * value lists (a route, a region), so each distinct list is counted once per side before its
 * values are taken apart: a tenth of the rows to expand and hash (BENCHMARKS.md, Slow versus normal).
 */
export async function slowVsNormalIn(tx: TransactionSql, scope: TenantScope, search: SearchFilters, selection: Selection, options: SlowVsNormalOptions = {}): Promise<SlowVsNormal> {
  const { now = new Date(), sample = SAMPLE_PER_SIDE, limits = RANK_LIMITS } = options;
  const f = { ...search, q: undefined };
  await tx`SELECT set_config('plan_cache_mode', 'force_custom_plan', true)`;
  const window = searchWindow(scope, f, now);
  const probed = window ? await probedConditions(tx, f.attr ?? [], window) : new Set<never>();
  const rows = await tx<CountRow[]>`
    WITH m AS MATERIALIZED (${windowTraces(tx, scope, f, selection, now, probed)}),
    picked AS MATERIALIZED (
      SELECT p.sel, t.tenant_id, t.root_name, t.services, t.has_error, t.attributes
      FROM ((SELECT tenant_id, trace_id, true AS sel FROM m WHERE sel ORDER BY hashtext(trace_id::text), tenant_id, trace_id LIMIT ${sample})
            UNION ALL
            (SELECT tenant_id, trace_id, false AS sel FROM m WHERE NOT sel ORDER BY hashtext(trace_id::text), tenant_id, trace_id LIMIT ${sample})) p
      JOIN traces t ON t.tenant_id = p.tenant_id AND t.trace_id = p.trace_id
    ),
    sizes AS (
      SELECT (SELECT count(*) FROM m WHERE sel)::int AS selected, (SELECT count(*) FROM m WHERE NOT sel)::int AS rest,
             (SELECT count(*) FROM picked WHERE sel)::int AS "selectionSample", (SELECT count(*) FROM picked WHERE NOT sel)::int AS "baselineSample"
    ),
    attribute_lists AS (
      SELECT p.sel, a.key, a.value, count(*) AS n FROM picked p, jsonb_each(p.attributes) a GROUP BY 1, 2, 3
    ),
    facets AS (
      SELECT sel, 'tenant' AS kind, 'tenant' AS key, to_jsonb(tenant_id)::text AS value, 1::bigint AS n FROM picked
      UNION ALL SELECT sel, 'operation', 'operation', to_jsonb(root_name)::text, 1 FROM picked WHERE root_name IS NOT NULL
      UNION ALL SELECT sel, 'status', 'status', CASE WHEN has_error THEN '"error"' ELSE '"ok"' END, 1 FROM picked
      UNION ALL SELECT p.sel, 'service', 'service', to_jsonb(s.name)::text, 1 FROM picked p, unnest(p.services) AS s(name)
      UNION ALL
      SELECT a.sel, 'attribute', a.key, v.value::text, a.n
      FROM attribute_lists a,
           jsonb_array_elements(CASE WHEN jsonb_typeof(a.value) = 'array' THEN a.value ELSE jsonb_build_array(a.value) END) v
    ),
    counted AS (
      SELECT kind, key, value, coalesce(sum(n) FILTER (WHERE sel), 0)::int AS s, coalesce(sum(n) FILTER (WHERE NOT sel), 0)::int AS b
      FROM facets GROUP BY kind, key, value
    ),
    ranked AS (
      SELECT c.*, row_number() OVER (
               PARTITION BY kind, key
               ORDER BY abs(c.s::float8 / greatest(z."selectionSample", 1) - c.b::float8 / greatest(z."baselineSample", 1)) DESC, value) AS r
      FROM counted c, sizes z
    )
    SELECT z.*, r.kind, r.key, r.value, r.s, r.b
    FROM sizes z LEFT JOIN ranked r ON r.r <= ${VALUES_PER_KEY_READ}`;
  const first = rows[0]!;
  const counts: FacetCount[] = rows
    .filter((r) => r.kind !== null)
    .map((r) => ({ kind: r.kind!, key: r.key!, value: r.value!, selection: r.s, baseline: r.b }));
  return {
    selection: { total: first.selected, sampled: first.selectionSample },
    baseline: { total: first.rest, sampled: first.baselineSample },
    attributes: rankAttributes(counts, { selection: first.selectionSample, baseline: first.baselineSample }, limits),
  };
}

/** `slowVsNormalIn` under the caller's tenant scope. */
export function slowVsNormal(scope: TenantScope, search: SearchFilters, selection: Selection): Promise<SlowVsNormal> {
  return withTenantScope(scope, (tx) => slowVsNormalIn(tx, scope, search, selection));
}
