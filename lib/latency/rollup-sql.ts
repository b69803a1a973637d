import "server-only";
// The read side every minute rollup (span_rollup, service_map_rollup) shares: which rows a
// caller may read, which retention hides, and how their histograms travel.
import type { PendingQuery, Row, TransactionSql } from "postgres";
import type { TenantScope } from "@/db/tenant-scope";
import { type MinuteRollup, packedMinute, rowColumns, unpackedColumns } from "./packed-minutes";
import { HOUR_GRAIN, hourStart, type Piece } from "./tiers";

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

/** `rollup`'s stored columns of alias `r` (its packed minutes left out), the columns every SELECT of its rows gives. */
export const rollupColumns = (tx: TransactionSql, rollup: MinuteRollup): Fragment => tx.unsafe(rowColumns(rollup, "r"));

/**
 * `rollup`'s minutes in [from, to), as rows (grain 1) and packed into their hour rows
 * (lib/latency/packed-minutes.ts), with the same columns and values either way, plus
 * `extra`; `where` adds `AND` conditions on `r`, the row or a packed minute's hour row (tenant and
 * key columns only, which both have). The one place that reads minutes.
 */
export function minuteRows(tx: TransactionSql, rollup: MinuteRollup, from: Date, to: Date, extra: Fragment, where: Fragment): Fragment {
  const minute = tx.unsafe(packedMinute("r", "m"));
  const firstHour = hourStart(from.getTime());
  return tx`
    SELECT ${rollupColumns(tx, rollup)}, ${extra} FROM ${tx(rollup.table)} r
    WHERE r.grain = 1 AND r.minute >= ${from} AND r.minute < ${to} ${where}
    UNION ALL
    SELECT ${tx.unsafe(unpackedColumns(rollup, "r", "m"))}, ${extra} FROM ${tx(rollup.table)} r, unnest(r.minutes) m
    WHERE r.grain = ${HOUR_GRAIN} AND r.minute >= ${firstHour} AND r.minute < ${to} AND r.minutes IS NOT NULL
      AND ${minute} >= ${from} AND ${minute} < ${to} ${where}`;
}

/**
 * `rollup`'s rows of one piece of a window's cover (tiers.ts), with minuteRows' columns, `extra` and
 * `where`: its minutes through minuteRows, a coarser grain's rows as stored.
 */
export function pieceRows(tx: TransactionSql, rollup: MinuteRollup, p: Pick<Piece, "grain" | "from" | "to">, extra: Fragment, where: Fragment): Fragment {
  if (p.grain === 1) return minuteRows(tx, rollup, p.from, p.to, extra, where);
  return tx`
    SELECT ${rollupColumns(tx, rollup)}, ${extra} FROM ${tx(rollup.table)} r
    WHERE r.grain = ${p.grain} AND r.minute >= ${p.from} AND r.minute < ${p.to} ${where}`;
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
