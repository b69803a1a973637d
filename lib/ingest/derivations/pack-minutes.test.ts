import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "@/db/connect";
import { enterReaderScope } from "@/db/reader-scope";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import type { TenantScope } from "@/db/tenant-scope";
import { latencyFilters, type LatencyParams } from "@/lib/latency/latency-params";
import { buildLatencyReport } from "@/lib/latency/queries";
import { referenceHour } from "@/lib/latency/testing/reference-hour";
import { purgeDerived } from "@/lib/retention/purge-derived";
import { loadTenantPolicies } from "@/lib/retention/tenants";
import { RETENTION_LOCK_KEY } from "@/lib/retention/transaction";
import { buildServiceMap } from "@/lib/services/queries";
import { serviceMapFilters } from "@/lib/services/service-map-params";
import { generateDemoTraces, seedTenants } from "@/scripts/demo/index";
import { packMinutes, packRollupMinutes } from "./pack-minutes";
import { keyColumns, MINUTE_ROLLUPS, type MinuteRollup, rowColumns, SPAN_ROLLUP, unpackedColumns } from "@/lib/latency/packed-minutes";
import { foldRollupDeltas, rebuildRollupSince } from "./rollup";
import { foldServiceMapDeltas, rebuildServiceMapSince } from "./service-map";

let t: TestDatabase;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// A weekday hour of the demo's traffic (lib/latency/testing/reference-hour.ts).
const NOW = referenceHour(Date.now());
/** Packs every hour of the data. */
const LATER = new Date(NOW.getTime() + 2 * HOUR);
const ALL: TenantScope = { all: true };
const ACME: TenantScope = { all: false, tenantIds: ["acme"] };

// Window edges inside hours, so every reader reads minutes (packed or not) at both ends.
const WIDE = { from: new Date(NOW.getTime() - 26 * HOUR + 17 * MINUTE), to: new Date(NOW.getTime() - 23 * MINUTE) };
const NARROW = { from: new Date(NOW.getTime() - 5 * HOUR + 7 * MINUTE), to: new Date(NOW.getTime() - 2 * HOUR - 41 * MINUTE) };

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenants(t.sql);
  // Far from the data, until the retention test moves one tenant's cutoff into it.
  await t.sql`UPDATE tenants SET retention_days = 90, kept_retention_days = 180`;
  await generateDemoTraces(t.sql, { traces: 600, days: 2, seed: 13, now: NOW });
  // Sampled traffic: the figures are re-weighted.
  await t.sql`UPDATE traces SET sample_weight = 4 WHERE tenant_id = 'globex' AND NOT has_error`;
  await rebuildRollupSince(t.sql, new Date(NOW.getTime() - 3 * DAY));
  await rebuildServiceMapSince(t.sql, new Date(NOW.getTime() - 3 * DAY));
  for (const r of MINUTE_ROLLUPS) await t.sql.unsafe(`CREATE TABLE unpacked_${r.table} AS SELECT * FROM ${r.table}`);
}, 180_000);
afterAll(async () => {
  await t.drop();
});

/** Back to the rollups as the rebuild left them: every minute a row. */
async function unpack() {
  for (const r of MINUTE_ROLLUPS) await t.sql.unsafe(`DELETE FROM ${r.table}; INSERT INTO ${r.table} SELECT * FROM unpacked_${r.table}`);
}

const rows = (table: string) => t.sql.unsafe(`SELECT * FROM ${table} ORDER BY tenant_id, grain, minute, ${table === "span_rollup" ? "service, operation, kind, job_name" : "caller, service"}`);

/** Every packed minute as the row it reads as (unpackedColumns), and the minute rows packing started from: the same, exactly. */
const byKey = (r: MinuteRollup) => `ORDER BY ${keyColumns(r).map((_, i) => i + 1).join(", ")}`;
const packedRows = (r: MinuteRollup, where = "true", params: (string | number | Date)[] = []) =>
  t.sql.unsafe(`SELECT ${unpackedColumns(r, "h", "m")} FROM ${r.table} h, unnest(h.minutes) m WHERE ${where} ${byKey(r)}`, params);
const unpackedRows = (r: MinuteRollup) => t.sql.unsafe(`SELECT ${rowColumns(r, "u")} FROM unpacked_${r.table} u WHERE grain = 1 ${byKey(r)}`);

const minuteRows = async () => {
  const [n] = await t.sql<{ latency: number; map: number }[]>`
    SELECT (SELECT count(*) FROM span_rollup WHERE grain = 1)::int AS latency, (SELECT count(*) FROM service_map_rollup WHERE grain = 1)::int AS map`;
  return n!;
};

/** The report with its operations in one order (the page sorts them; the query returns them as its rows come). */
async function latency(scope: TenantScope, params: Partial<LatencyParams>) {
  const report = await t.sql.begin(async (tx) => {
    await enterReaderScope(tx, scope);
    return buildLatencyReport(tx, scope, latencyFilters({ ...WIDE, step: "1h", ...params }));
  });
  const key = (o: { service: string; operation: string }) => `${o.service}\0${o.operation}`;
  return { ...report, operations: report.operations.sort((a, b) => key(a).localeCompare(key(b))) };
}

function serviceMap(scope: TenantScope, window: { from: Date; to: Date }) {
  return t.sql.begin(async (tx) => {
    await enterReaderScope(tx, scope);
    return buildServiceMap(tx, scope, serviceMapFilters(window));
  });
}

/** What the latency page (series, operations, jobs, bands) and the service map answer, over windows that read minutes. */
async function answers() {
  return {
    all: await latency(ALL, {}),
    // A service's chart in 5-minute steps reads nothing but minutes.
    byService: await latency(ALL, { ...NARROW, step: "5m", service: "edge-gateway" }),
    worker: await latency(ALL, { service: "job-worker" }),
    acme: await latency(ACME, {}),
    picked: await latency(ALL, { tenant: ["globex", "initech"] }),
    map: await serviceMap(ALL, WIDE),
    mapNarrow: await serviceMap(ALL, NARROW),
    mapAcme: await serviceMap(ACME, WIDE),
  };
}

describe("packing the rollups' minute rows into their hour rows", () => {
  it("answers every latency view and the service map exactly as the minute rows did", async () => {
    await unpack();
    const before = await answers();
    // The data reads minutes that carry jobs with queue waits, re-weighted traffic and several tenants.
    expect(before.worker.jobs.some((j) => j.waits > 0)).toBe(true);
    expect(before.all.estimated).toBe(true);
    expect(before.byService.series.length).toBeGreaterThan(5);
    expect(before.picked.operations.length).toBeGreaterThan(0);
    expect(before.map.edges.length).toBeGreaterThan(0);
    const unpacked = await minuteRows();

    const packed = await packRollupMinutes(t.sql, LATER);
    expect(packed.span_rollup.minutes).toBe(unpacked.latency);
    expect(packed.service_map_rollup.minutes).toBe(unpacked.map);
    expect(await minuteRows()).toEqual({ latency: 0, map: 0 });
    expect(await answers()).toEqual(before);
    // Weighted (globex), unweighted and waiting minutes alike read back as their rows were.
    for (const r of MINUTE_ROLLUPS) expect(await packedRows(r)).toEqual(await unpackedRows(r));
  }, 120_000);

  it("stores a minute's implied fields NULL: the weighted figures of unweighted traffic, a wait of none", async () => {
    await unpack();
    await packRollupMinutes(t.sql, LATER);
    // Every tenant but globex keeps all its traces: each span weighs 1.
    const [latency] = await t.sql<{ plain: number; stored: number; weighted: number; waits: number }[]>`
      SELECT count(*) FILTER (WHERE h.tenant_id <> 'globex' AND m.wait_count IS NULL)::int AS plain,
             count(*) FILTER (WHERE h.tenant_id <> 'globex' AND coalesce(m.wait_count, 0) = 0 AND num_nonnulls(
               m.weighted_count, m.weighted_errors, m.weighted_retries, m.weighted_duration_ns,
               m.wait_count, m.wait_sum_ns, m.wait_weighted, m.wait_buckets, m.wait_weights) > 0)::int AS stored,
             count(*) FILTER (WHERE h.tenant_id = 'globex' AND m.weighted_count IS NOT NULL)::int AS weighted,
             count(*) FILTER (WHERE m.wait_count > 0 AND m.wait_buckets IS NOT NULL)::int AS waits
      FROM span_rollup h, unnest(h.minutes) m`;
    expect(latency!.plain).toBeGreaterThan(0);
    expect(latency!.stored).toBe(0);
    expect(latency!.weighted).toBeGreaterThan(0);
    expect(latency!.waits).toBeGreaterThan(0);
    // A minute of one span keeps no histogram (its bucket is its duration's, its weight its weighted count); one of two or more keeps it.
    for (const [table, count] of [["span_rollup", "m.span_count"], ["service_map_rollup", "m.call_count"]]) {
      const [histograms] = await t.sql.unsafe<{ single: number; implied: number; several: number; stored: number }[]>(`
        SELECT count(*) FILTER (WHERE ${count} = 1)::int AS single,
               count(*) FILTER (WHERE ${count} = 1 AND m.buckets IS NULL AND m.weights IS NULL)::int AS implied,
               count(*) FILTER (WHERE ${count} > 1 AND cardinality(m.buckets) > 1)::int AS several,
               count(*) FILTER (WHERE ${count} > 1 AND cardinality(m.buckets) > 1 AND m.weights IS NOT NULL)::int AS stored
        FROM ${table} h, unnest(h.minutes) m`);
      expect(histograms!.single).toBeGreaterThan(0);
      expect(histograms!.implied).toBe(histograms!.single);
      expect(histograms!.several).toBeGreaterThan(0);
      expect(histograms!.stored).toBe(histograms!.several);
    }
    const [map] = await t.sql<{ plain: number; stored: number; weighted: number }[]>`
      SELECT count(*) FILTER (WHERE h.tenant_id <> 'globex')::int AS plain,
             count(*) FILTER (WHERE h.tenant_id <> 'globex' AND num_nonnulls(m.weighted_count, m.weighted_errors, m.weighted_duration_ns) > 0)::int AS stored,
             count(*) FILTER (WHERE h.tenant_id = 'globex' AND m.weighted_count IS NOT NULL)::int AS weighted
      FROM service_map_rollup h, unnest(h.minutes) m`;
    expect(map!.plain).toBeGreaterThan(0);
    expect(map!.stored).toBe(0);
    expect(map!.weighted).toBeGreaterThan(0);
  }, 60_000);

  it("stores explicitly the figures a late weighted span with a queue wait makes differ from their implied values", async () => {
    // A packed minute of unweighted traffic without errors, retries or wait, and a late span into it at weight 4 that waited.
    const [minute] = await t.sql<{ tenant_id: string; minute: Date; service: string; operation: string; kind: number; job_name: string }[]>`
      SELECT tenant_id, minute, service, operation, kind, job_name FROM unpacked_span_rollup
      WHERE tenant_id = 'acme' AND grain = 1 AND error_count = 0 AND retry_count = 0 AND wait_count = 0
      ORDER BY minute, service, operation LIMIT 1`;
    const same = `h.tenant_id = 'acme' AND h.service = $1 AND h.operation = $2 AND h.kind = $3 AND h.job_name = $4`;
    const key: (string | number | Date)[] = [minute!.service, minute!.operation, minute!.kind, minute!.job_name];
    const lateSpan = async () => {
      await t.sql`
        INSERT INTO span_rollup_delta (tenant_id, minute, service, operation, kind, job_name, span_count, error_count, retry_count,
          duration_sum_ns, weighted_count, weighted_errors, weighted_retries, weighted_duration_ns, buckets, weights,
          wait_count, wait_sum_ns, wait_weighted, wait_buckets, wait_weights)
        VALUES (${minute!.tenant_id}, ${minute!.minute}, ${minute!.service}, ${minute!.operation}, ${minute!.kind}, ${minute!.job_name},
          1, 0, 0, 1000000, 4, 0, 0, 4000000, ARRAY[rollup_bucket(1000000)]::smallint[], '{4}',
          1, 500000, 4, ARRAY[rollup_bucket(500000)]::smallint[], '{4}')`;
      await foldRollupDeltas(t.sql);
    };
    await unpack();
    await lateSpan();
    const truth = await t.sql.unsafe(`SELECT ${rowColumns(SPAN_ROLLUP, "h")} FROM span_rollup h WHERE ${same} AND grain = 1 AND minute = $5`, [...key, minute!.minute]);
    expect(truth).toHaveLength(1);

    await unpack();
    await packRollupMinutes(t.sql, LATER);
    await lateSpan();
    await packRollupMinutes(t.sql, LATER);
    const packedMinute = `${same} AND grain = 60 AND h.minute + m.at * interval '1 minute' = $5`;
    expect(await packedRows(SPAN_ROLLUP, packedMinute, [...key, minute!.minute])).toEqual(truth);
    const [stored] = await t.sql.unsafe(`SELECT to_jsonb(m) AS m FROM span_rollup h, unnest(h.minutes) m WHERE ${packedMinute}`, [...key, minute!.minute]);
    const fields = stored!.m as Record<string, unknown>;
    expect(Object.keys(fields).filter((f) => fields[f] === null).sort()).toEqual(["error_count", "retry_count", "weighted_errors", "weighted_retries"]);
  }, 60_000);

  it("keeps a weighted figure explicit when it differs from its count only in bits: -0 against 0", async () => {
    await unpack();
    const [row] = await t.sql<{ minute: Date; service: string }[]>`
      UPDATE span_rollup SET duration_sum_ns = 0, weighted_duration_ns = '-0'
      WHERE (tenant_id, grain, minute, service, operation, kind, job_name) =
            (SELECT tenant_id, grain, minute, service, operation, kind, job_name FROM span_rollup WHERE tenant_id = 'acme' AND grain = 1 ORDER BY minute LIMIT 1)
      RETURNING minute, service`;
    await packMinutes(t.sql, SPAN_ROLLUP, LATER);
    const [stored] = await t.sql<{ field: string | null; restored: string }[]>`
      SELECT m.weighted_duration_ns::text AS field, u.weighted_duration_ns::text AS restored
      FROM span_rollup h, unnest(h.minutes) m, LATERAL (${t.sql.unsafe(`SELECT ${unpackedColumns(SPAN_ROLLUP, "h", "m")}`)}) u
      WHERE h.tenant_id = 'acme' AND h.grain = 60 AND u.minute = ${row!.minute} AND h.service = ${row!.service} AND u.duration_sum_ns = 0`;
    expect(stored).toEqual({ field: "-0", restored: "-0" });
  }, 60_000);

  it("packs a second time to no change", async () => {
    await unpack();
    await packRollupMinutes(t.sql, LATER);
    const once = [await rows("span_rollup"), await rows("service_map_rollup")];
    expect(await packRollupMinutes(t.sql, LATER)).toEqual({ span_rollup: { minutes: 0, hours: 0 }, service_map_rollup: { minutes: 0, hours: 0 } });
    expect([await rows("span_rollup"), await rows("service_map_rollup")]).toEqual(once);
  }, 60_000);

  it("leaves the hours that ended less than the margin ago as rows", async () => {
    await unpack();
    // 10:05 packs up to 9:00 only: the folders may still be merging 9:00-10:00's minutes.
    const lastHour = new Date(NOW.getTime() - HOUR);
    await packMinutes(t.sql, SPAN_ROLLUP, new Date(NOW.getTime() + 5 * MINUTE));
    const [left] = await t.sql<{ n: number; before: number }[]>`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE minute < ${lastHour})::int AS before FROM span_rollup WHERE grain = 1`;
    expect(left!.n).toBeGreaterThan(0);
    expect(left!.before).toBe(0);
  }, 60_000);

  it("merges minute rows of late spans into the packed minutes, figure by figure", async () => {
    // Late spans: copies of some minutes (the same minutes, packed by then) and of others a minute on.
    const lateDeltas = async () => {
      for (const [table, delta] of [["span_rollup", "span_rollup_delta"], ["service_map_rollup", "service_map_delta"]] as const) {
        const r = MINUTE_ROLLUPS.find((x) => x.table === table)!;
        const columns = `tenant_id, minute, ${r.keys.join(", ")}, ${r.figures.join(", ")}`;
        await t.sql.unsafe(`
          INSERT INTO ${delta} (${columns})
          SELECT ${columns.replace("minute", "minute + interval '1 minute' * (extract(minute FROM minute)::int % 3 = 0)::int")}
          FROM unpacked_${table} WHERE grain = 1 AND extract(minute FROM minute)::int % 2 = 0`);
      }
      await foldRollupDeltas(t.sql);
      await foldServiceMapDeltas(t.sql);
    };
    await unpack();
    await lateDeltas();
    const truth = await answers();
    expect(truth).not.toEqual(await (async () => (await unpack(), answers()))());

    await unpack();
    await packRollupMinutes(t.sql, LATER);
    await lateDeltas();
    expect((await minuteRows()).latency).toBeGreaterThan(0);
    // The late rows read beside the packed minutes, then packed into them.
    expect(await answers()).toEqual(truth);
    await packRollupMinutes(t.sql, LATER);
    expect(await minuteRows()).toEqual({ latency: 0, map: 0 });
    expect(await answers()).toEqual(truth);
  }, 180_000);

  it("loses nothing when a pack fails part way: its transaction rolls back whole", async () => {
    await unpack();
    const before = await rows("span_rollup");
    // The hour rows refuse the update after the statement deleted the minute rows.
    await t.sql`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`;
    await t.sql`CREATE TRIGGER refuse BEFORE UPDATE OF minutes ON span_rollup FOR EACH ROW EXECUTE FUNCTION refuse()`;
    try {
      await expect(packMinutes(t.sql, SPAN_ROLLUP, LATER)).rejects.toThrow(/refused/);
    } finally {
      await t.sql`DROP TRIGGER refuse ON span_rollup`;
      await t.sql`DROP FUNCTION refuse()`;
    }
    expect(await rows("span_rollup")).toEqual(before);
  }, 60_000);

  it("keeps the retention cut at the minute when the cutoff falls inside a packed hour, before and after the purge", async () => {
    await unpack();
    // A cutoff (now less the retention) a day or less before NOW: inside the windows, inside an hour.
    const days = Math.floor((Date.now() - NOW.getTime()) / DAY) + 1;
    // Readers hide by now(): compare within one wall-clock minute, so the cut stays on the same
    // minute; and not in an hour's last minute, so minutes of the cutoff's hour follow it.
    while (Date.now() % MINUTE > 30_000 || new Date(Date.now()).getUTCMinutes() === 59) {
      await new Promise((resolve) => setTimeout(resolve, MINUTE - (Date.now() % MINUTE) + 500));
    }
    const started = Math.floor(Date.now() / MINUTE);
    const cutoff = new Date(Date.now() - days * DAY);
    const tenant = "acme";
    // Whatever the hour's traffic, the tenant has minutes after the cutoff in its hour: copies of one of its minutes, folded as ingest's.
    for (const r of MINUTE_ROLLUPS) {
      const columns = `${r.keys.join(", ")}, ${r.figures.join(", ")}`;
      await t.sql.unsafe(
        `INSERT INTO ${r.table === "span_rollup" ? "span_rollup_delta" : "service_map_delta"} (tenant_id, minute, ${columns})
         SELECT tenant_id, m, ${columns}
         FROM (SELECT * FROM unpacked_${r.table} WHERE tenant_id = $1 AND grain = 1 ORDER BY minute LIMIT 1) r,
              generate_series(date_trunc('minute', $2::timestamptz) + interval '1 minute',
                              least(date_trunc('minute', $2::timestamptz) + interval '3 minutes', date_bin('1 hour', $2::timestamptz, 'epoch') + interval '59 minutes'),
                              interval '1 minute') m`,
        [tenant, cutoff],
      );
    }
    await foldRollupDeltas(t.sql);
    await foldServiceMapDeltas(t.sql);
    const [straddling] = await t.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM span_rollup
      WHERE tenant_id = ${tenant} AND grain = 1 AND minute >= ${cutoff} AND minute < date_bin('1 hour', ${cutoff}::timestamptz, 'epoch') + interval '1 hour'`;
    expect(straddling!.n).toBeGreaterThan(0);
    const scope: TenantScope = { all: false, tenantIds: [tenant] };
    await t.sql`UPDATE tenants SET retention_days = ${days} WHERE id = ${tenant}`;
    const truth = { latency: await latency(scope, {}), map: await serviceMap(scope, WIDE) };

    await packRollupMinutes(t.sql, LATER);
    expect({ latency: await latency(scope, {}), map: await serviceMap(scope, WIDE) }).toEqual(truth);

    const conn = connect(t.url, { max: 1 });
    try {
      await conn`SELECT pg_advisory_lock(${RETENTION_LOCK_KEY})`;
      const policy = (await loadTenantPolicies(conn, new Date())).get(tenant)!;
      const purged = await purgeDerived(conn, policy, { batchSize: 10_000 });
      expect(purged.span_rollup).toBeGreaterThan(0);
    } finally {
      await conn.end();
    }
    // The straddling hour is gone with the rest before the cutoff; its minutes from the cutoff on are rows again.
    const [left] = await t.sql<{ hours: number; minutes: number }[]>`
      SELECT count(*) FILTER (WHERE grain = 60 AND minute < ${cutoff})::int AS hours,
             count(*) FILTER (WHERE grain = 1 AND minute >= ${cutoff})::int AS minutes
      FROM span_rollup WHERE tenant_id = ${tenant}`;
    expect(left).toEqual({ hours: 0, minutes: straddling!.n });
    expect({ latency: await latency(scope, {}), map: await serviceMap(scope, WIDE) }).toEqual(truth);
    expect(Math.floor(Date.now() / MINUTE)).toBe(started);
    await t.sql`UPDATE tenants SET retention_days = 90 WHERE id = ${tenant}`;
  }, 180_000);
});
