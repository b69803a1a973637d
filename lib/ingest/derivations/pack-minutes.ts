import "server-only";
import type { Sql } from "@/db/connect";
import {
  addedFigures,
  keyColumns,
  mergeOnConflict,
  MINUTE_ROLLUPS,
  type MinuteRollup,
  packedFields,
  packedMinute,
  restoredFields,
  unpackedColumns,
} from "@/lib/latency/packed-minutes";
import { HOUR_GRAIN, HOUR_MS, hourStart } from "@/lib/latency/tiers";

/**
 * How long after an hour ends its minutes are packed: the folders merge deltas within a second
 * (a minute when only the scheduler folds), so an hour's minute rows are complete by then; a
 * later span's minute row is merged into the packed ones by the next pack.
 */
export const PACK_MARGIN_MS = 10 * 60_000;

const hourOf = (at: string) => `date_bin('1 hour'::interval, ${at}, 'epoch')`;
const sameKey = (r: MinuteRollup, a: string, b: string) => r.keys.map((k) => `${a}.${k} = ${b}.${k}`).join(" AND ");

/**
 * Moves the minute rows in [$1, $2) whose hour row exists into that row's `minutes` and deletes
 * them, in one statement: a minute already packed (its row came back for a late span) gets the
 * row's figures added. A minute row without its hour row (the purge deleted the hour, see
 * unpackStraddlingSql) stays a row.
 */
const packSql = (r: MinuteRollup) => {
  const minuteAt = `((extract(epoch FROM minute)::bigint % 3600) / 60)::smallint`;
  // Packed minutes are sparse (lib/latency/packed-minutes.ts): restored, added, and packed sparse
  // again. The new ones, built from whole rows, restore to themselves. A minute only one side has
  // keeps its figures as they are (0 + -0 would be 0).
  const restoredMinutes = (row: string) => `(SELECT m.at, ${restoredFields(r, "m").join(", ")} FROM unnest(${row}.minutes) m)`;
  const added = addedFigures(r, "a", "b").map((sum, i) => {
    const f = r.figures[i]!;
    return `CASE WHEN a.at IS NULL THEN b.${f} WHEN b.at IS NULL THEN a.${f} ELSE ${sum} END AS ${f}`;
  });
  return `
  WITH moved AS (
    DELETE FROM ${r.table} m USING ${r.table} h
    WHERE m.grain = 1 AND m.minute >= $1 AND m.minute < $2
      AND h.tenant_id = m.tenant_id AND h.grain = ${HOUR_GRAIN} AND h.minute = ${hourOf("m.minute")} AND ${sameKey(r, "h", "m")}
    RETURNING m.*
  ), packed AS (
    SELECT tenant_id, ${hourOf("minute")} AS hour, ${r.keys.join(", ")},
           array_agg(ROW(${minuteAt}, ${r.figures.join(", ")})::${r.type} ORDER BY minute) AS minutes
    FROM moved GROUP BY tenant_id, 2, ${r.keys.join(", ")}
  ), updated AS (
    UPDATE ${r.table} h SET minutes = (
      SELECT array_agg(ROW(s.at, ${packedFields(r, "s").join(", ")})::${r.type} ORDER BY s.at)
      FROM (SELECT coalesce(a.at, b.at) AS at, ${added.join(", ")}
            FROM ${restoredMinutes("h")} a FULL JOIN ${restoredMinutes("p")} b ON a.at = b.at) s)
    FROM packed p
    WHERE h.tenant_id = p.tenant_id AND h.grain = ${HOUR_GRAIN} AND h.minute = p.hour AND ${sameKey(r, "h", "p")}
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM moved)::int AS minutes, (SELECT count(*) FROM updated)::int AS hours`;
};

export interface PackResult {
  /** Minute rows moved into hour rows. */
  minutes: number;
  /** Hour rows that took them. */
  hours: number;
}

/**
 * Packs the minute rows of every hour that ended at least PACK_MARGIN_MS before `now`, one
 * hour per transaction. Crash-safe (a batch moves and deletes its rows in one statement) and
 * idempotent (a packed minute is no longer a row); packs and folds of one rollup take turns on
 * the folder's lock, so no write to the hour rows is lost between them.
 */
export async function packMinutes(sql: Sql, r: MinuteRollup, now: Date): Promise<PackResult> {
  const horizon = hourStart(now.getTime() - PACK_MARGIN_MS);
  const statement = packSql(r);
  const total: PackResult = { minutes: 0, hours: 0 };
  let from = new Date(0);
  for (;;) {
    // The next hour with minute rows, off the (grain, minute) index: empty hours cost nothing.
    const [next] = await sql<{ first: Date | null }[]>`
      SELECT min(minute) AS first FROM ${sql(r.table)} WHERE grain = 1 AND minute >= ${from} AND minute < ${horizon}`;
    if (!next?.first) return total;
    const hour = hourStart(next.first.getTime());
    from = new Date(hour.getTime() + HOUR_MS);
    const [done] = (await sql.begin(async (tx) => {
      // Packs and folds of the rollup take turns on its folder's lock.
      await tx`SELECT pg_advisory_xact_lock(${r.lock})`;
      return tx.unsafe(statement, [hour, from]);
    })) as unknown as PackResult[];
    total.minutes += done!.minutes;
    total.hours += done!.hours;
  }
}

/** Packs both minute rollups (span_rollup, service_map_rollup); for the scheduler and the benches. */
export async function packRollupMinutes(sql: Sql, now: Date): Promise<Record<MinuteRollup["table"], PackResult>> {
  const [latency, map] = [await packMinutes(sql, MINUTE_ROLLUPS[0], now), await packMinutes(sql, MINUTE_ROLLUPS[1], now)];
  return { span_rollup: latency, service_map_rollup: map };
}

/**
 * A tenant's hour rows straddling its retention cutoff $2 ($1 the tenant): the purge deletes a
 * row by its start, as before, so their minutes from the cutoff on go back to being rows first
 * (added to a row a late span left), in the statement that deletes the hour rows. Readers
 * hide the hour itself (it starts before the cutoff) and read those minutes, as before packing.
 */
const unpackStraddlingSql = (r: MinuteRollup) => `
  WITH straddling AS (
    DELETE FROM ${r.table} h
    WHERE h.tenant_id = $1 AND h.grain = ${HOUR_GRAIN} AND h.minute < $2 AND h.minute > $2::timestamptz - interval '1 hour'
    RETURNING h.*
  )
  INSERT INTO ${r.table} AS r (${keyColumns(r).join(", ")}, ${r.figures.join(", ")})
  SELECT ${unpackedColumns(r, "h", "m")}
  FROM straddling h, unnest(h.minutes) m
  WHERE ${packedMinute("h", "m")} >= $2
  ORDER BY ${keyColumns(r).join(", ")}
  ${mergeOnConflict(r)}`;

/** The retention purge's step before deleting `r`'s rows of `tenant` older than `cutoff` (unpackStraddlingSql), in `tx`. */
export async function unpackStraddlingHours(tx: Sql, r: MinuteRollup, tenant: string, cutoff: Date): Promise<void> {
  // No pack or fold between reading the hour rows' minutes and deleting them.
  await tx`SELECT pg_advisory_xact_lock(${r.lock})`;
  await tx.unsafe(unpackStraddlingSql(r), [tenant, cutoff]);
}
