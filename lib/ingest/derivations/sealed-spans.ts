import "server-only";
import type { TransactionSql } from "postgres";
import { boundsOf, sourceSql, traceSpanSources } from "@/lib/traces/span-store/read";
import { SEAL_LOCK_KEY } from "@/lib/traces/span-store/seal";

/**
 * The rollup and service map rebuilds read sealed spans as well as rows (docs/sealed-traces.md):
 * the segments a rebuild window needs are decoded in Node into a temporary table with the
 * columns the rebuilds read, and the rebuild reads `spans` and that table as one source.
 */

/** The temporary table, in the rebuilds' SQL. */
export const SEALED_REBUILD_TABLE = "pg_temp.rebuild_sealed_spans";

/** What the rebuilds read of a span (rollup.ts, service-map.ts): nothing else of a sealed one goes to Postgres. */
const COLUMNS = "tenant_id, trace_id, span_id, parent_span_id, service, name, kind, start_time, duration_ns, status_code, attributes";
/** The only attributes they read: a head-sampled span's ratio and a job's name and attempt. */
const ATTRIBUTES = ["sampling.ratio", "job.attempt", "job.name"] as const;

/** `spans` and the sealed spans of the rebuild, as one row source with the columns above. */
export const WITH_SEALED = `(SELECT ${COLUMNS} FROM spans UNION ALL SELECT ${COLUMNS} FROM ${SEALED_REBUILD_TABLE})`;

/**
 * Waits for a running sealer and keeps new ones out until the transaction ends: a trace sealed
 * between a rebuild's reading of its segments and of its rows would be counted in neither.
 * Taken before the rollup's table locks: a sealer waits for ingest's trace locks, and ingest
 * for those table locks.
 */
export async function holdSealers(tx: TransactionSql): Promise<void> {
  await tx`SELECT pg_advisory_xact_lock(${SEAL_LOCK_KEY})`;
}

interface SealedTrace {
  tenant_id: string;
  trace_id: string;
  start: Date;
  end: Date;
}

/**
 * Loads into SEALED_REBUILD_TABLE (dropped at commit) every sealed span of each trace a rebuild
 * from `day` on reads: a trace with a segment reaching the window, or whose summary does (its
 * late rows may be children of sealed spans: the rebuild reads a span's parent in any day).
 * Whole traces, so a parent is there whatever its day; rows shadow the segments' copies
 * (traceSpanSources). The caller holds the sealers off (holdSealers). Returns whether any
 * sealed span was loaded.
 */
export async function loadSealedSpans(tx: TransactionSql, day: Date): Promise<boolean> {
  const traces = await tx<SealedTrace[]>`
    SELECT g.tenant_id, g.trace_id::text AS trace_id, min(g.start_time) AS start, max(g.end_time) AS "end"
    FROM span_segments g LEFT JOIN traces t ON t.tenant_id = g.tenant_id AND t.trace_id = g.trace_id
    GROUP BY g.tenant_id, g.trace_id
    HAVING max(g.end_time) >= ${day} OR max(t.end_time) >= ${day}`;
  if (traces.length === 0) return false;
  await tx.unsafe(`CREATE TEMP TABLE rebuild_sealed_spans ON COMMIT DROP AS SELECT ${COLUMNS} FROM spans WITH NO DATA`);
  let loaded = false;
  for (const trace of traces) {
    for await (const source of traceSpanSources(tx, boundsOf(trace.tenant_id, trace.trace_id, trace.start, trace.end))) {
      if (!source.sealed) continue;
      await tx`INSERT INTO ${tx.unsafe(SEALED_REBUILD_TABLE)} SELECT ${tx.unsafe(COLUMNS)} FROM ${sourceSql(tx, source, { attributes: ATTRIBUTES })} x`;
      loaded = true;
    }
  }
  if (loaded) await tx.unsafe(`ANALYZE ${SEALED_REBUILD_TABLE}`);
  return loaded;
}
