import "server-only";
import type { Sql } from "@/db/connect";
import { SpanKind } from "@/db/span-codec/kind-and-status";
import { keyColumns, mergeOnConflict, SERVICE_MAP_ROLLUP, storedColumns } from "@/lib/latency/packed-minutes";
import { foldDeltas, type DeltaFold } from "./fold-deltas";
import { weightOf } from "./rollup";
import { holdSealers, loadSealedSpans, WITH_SEALED } from "./sealed-spans";

/**
 * Maintains `service_map_rollup` (db/schema-service-map.ts), the service map's rollup. Ingest
 * writes the minute rows of what it stored to `service_map_delta` (service-map-derivation.ts)
 * and `foldServiceMapDeltas` merges them into both grains; the demo seed, which writes with
 * COPY, rebuilds the periods it wrote from the spans.
 */

/** The grains kept, in minutes: minutes for a window's edges, hours for its middle (lib/latency/tiers.ts). */
export const SERVICE_MAP_GRAINS = [1, 60] as const;

const KEY = keyColumns(SERVICE_MAP_ROLLUP).join(", ");
const COLUMNS = storedColumns(SERVICE_MAP_ROLLUP).join(", ");

/** Adds rows (sorted by key, so concurrent writers lock shared rows in one order) to the stored ones. */
const MERGE = mergeOnConflict(SERVICE_MAP_ROLLUP);

/**
 * Sums `src` rows (key columns, count, errors, duration sums and one histogram each as
 * buckets/weights arrays) into the grain's rows and merges them into the rollup.
 */
const upsert = (grain: number, src: string) => `
  WITH src AS (SELECT tenant_id, ${grain}::smallint AS grain, date_bin('${grain} minutes', minute, 'epoch') AS minute, caller, service,
                      n, e, d, w, we, wd, buckets, weights FROM (${src}) s),
  totals AS (
    SELECT ${KEY}, sum(n)::bigint AS n, sum(e)::bigint AS e, sum(d)::bigint AS d, sum(w) AS w, sum(we) AS we, sum(wd) AS wd
    FROM src GROUP BY ${KEY}
  ), hist AS (
    SELECT ${KEY}, array_agg(b ORDER BY b) AS buckets, array_agg(w ORDER BY b) AS weights
    FROM (SELECT ${KEY}, b, sum(hw) AS w FROM src, unnest(buckets, weights) AS u(b, hw) GROUP BY ${KEY}, b) cells
    GROUP BY ${KEY}
  )
  INSERT INTO service_map_rollup AS r (${COLUMNS})
  SELECT ${KEY}, n, e, d, w, we, wd, coalesce(h.buckets, '{}'), coalesce(h.weights, '{}')
  FROM totals LEFT JOIN hist h USING (${KEY})
  ORDER BY ${KEY}
  ${MERGE}`;

/** Stored spans from $1 on as one-span source rows; `caller` is the edge's or '' for an entry span. */
const spanRows = (caller: string, from: string, where: string) => `
  SELECT s.tenant_id, s.start_time AS minute, ${caller} AS caller, s.service, 1 AS n, (s.status_code = 2)::int AS e,
         s.duration_ns AS d, w, (s.status_code = 2)::int * w AS we, w * s.duration_ns AS wd,
         ARRAY[rollup_bucket(s.duration_ns)] AS buckets, ARRAY[w] AS weights
  FROM ${from}
  LEFT JOIN traces t ON t.tenant_id = s.tenant_id AND t.trace_id = s.trace_id,
  LATERAL (SELECT ${weightOf("s.attributes", "t.sample_weight")} AS w) weight
  WHERE s.start_time >= $1 AND ${where}`;

/** Entry and edge rows from $1 on, of `spans` or of `spans` with the sealed ones (sealed-spans.ts). */
function rebuildSince(spans: string) {
  const entries = spanRows("''", `${spans} s`, `(s.parent_span_id IS NULL OR s.kind IN (${SpanKind.Server}, ${SpanKind.Consumer}))`);
  // The parent may be older than $1: the join reads it by primary key in any partition.
  const edges = spanRows(
    "p.service",
    `${spans} s JOIN ${spans} p ON p.tenant_id = s.tenant_id AND p.trace_id = s.trace_id AND p.span_id = s.parent_span_id`,
    "p.service <> s.service AND p.service <> ''",
  );
  return SERVICE_MAP_GRAINS.map((g) => upsert(g, `${entries} UNION ALL ${edges}`));
}
/** Statements over rows only, as before sealing existed, and over rows and sealed spans. */
const REBUILD_SINCE = { rows: rebuildSince("spans"), sealed: rebuildSince(WITH_SEALED) };

/**
 * Recomputes every service map minute from `from`'s day on out of the stored spans, rows and sealed, for
 * writers that bypass ingest (the demo seed's COPY); locked as rebuildRollupSince is, so a
 * span is neither missed nor counted twice.
 */
export async function rebuildServiceMapSince(sql: Sql, from: Date): Promise<void> {
  const day = new Date(Math.floor(from.getTime() / 86_400_000) * 86_400_000);
  await sql.begin(async (tx) => {
    await holdSealers(tx);
    await tx`LOCK TABLE service_map_rollup, service_map_delta IN EXCLUSIVE MODE`;
    await tx`DELETE FROM service_map_delta WHERE minute >= ${day}`;
    await tx`DELETE FROM service_map_rollup WHERE minute >= ${day}`;
    const statements = (await loadSealedSpans(tx, day)) ? REBUILD_SINCE.sealed : REBUILD_SINCE.rows;
    for (const statement of statements) await tx.unsafe(statement, [day]);
  });
}

const DELTA_ROWS = `
  SELECT tenant_id, minute, caller, service, call_count AS n, error_count AS e, duration_sum_ns AS d,
         weighted_count AS w, weighted_errors AS we, weighted_duration_ns AS wd, buckets, weights
  FROM pg_temp.folding_service_map`;
const FOLD: DeltaFold = {
  lock: SERVICE_MAP_ROLLUP.lock,
  delta: "service_map_delta",
  folding: "folding_service_map",
  statements: SERVICE_MAP_GRAINS.map((g) => upsert(g, DELTA_ROWS)),
};

/** Merges the committed rows of `service_map_delta` into both grains (foldDeltas); returns how many. */
export function foldServiceMapDeltas(sql: Sql): Promise<number> {
  return foldDeltas(sql, FOLD);
}
