import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "@/db/testing/test-db";
import { scatterIn, SCATTER_CAP, SCATTER_SLOWEST } from "./scatter";
import { searchTracesIn } from "./search";
import { ALL, ALPHA, BETA, filters, twoTenantDatabase } from "../testing/two-tenants";

// Issue 18 item 3: the scatter plots every match of the window, not the table's page of 50.

let t: TestDatabase;
const TOTAL = 12_345;
const ERROR_EVERY = 40; // 308 errors among the 12,345
const now = new Date();

const id = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;

beforeAll(async () => {
  t = await twoTenantDatabase();
  // Trace i starts i seconds ago; durations cycle so the slowest are spread over the window,
  // not the newest. Every third trace is beta's.
  await t.sql`
    INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, root_span_id, root_service, root_name,
                        span_count, error_count, services, has_error, attributes)
    SELECT CASE WHEN i % 3 = 0 THEN 'beta' ELSE 'alpha' END,
           ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid,
           ${now} - i * interval '1 second', ${now}, ((i * 7919) % 10007 + 1)::bigint * 1000, 1, 'web', 'GET /x',
           1, (i % ${ERROR_EVERY} = 0)::int, ARRAY['web'], i % ${ERROR_EVERY} = 0, '{}'::jsonb
    FROM generate_series(1, ${TOTAL}) AS i`;
  await t.sql`ANALYZE traces`;
});
afterAll(async () => {
  await t.drop();
});

async function matches(raw: Record<string, string>) {
  const [row] = await t.sql<{ ids: string[]; slowest: string[]; errors: string[] }[]>`
    SELECT array_agg(trace_id::text) AS ids,
           (array_agg(trace_id::text ORDER BY duration_ns DESC, tenant_id, trace_id))[1:${SCATTER_SLOWEST}] AS slowest,
           coalesce(array_agg(trace_id::text) FILTER (WHERE has_error), '{}') AS errors
    FROM traces WHERE ${raw.tenant ? t.sql`tenant_id = ${raw.tenant}` : t.sql`true`}`;
  return row!;
}

describe("scatterIn", () => {
  it("beyond the cap plots a sample of exactly the cap that holds every error and the slowest, with the true counts", async () => {
    const scatter = await t.asReader(ALL, (tx) => scatterIn(tx, ALL, filters({}), now));
    const all = await matches({});
    expect(scatter.total).toBe(TOTAL);
    expect(scatter.errors).toBe(all.errors.length);
    expect(scatter.points).toHaveLength(SCATTER_CAP);
    expect(scatter.sampled).toBe(true);
    expect(scatter.allErrors).toBe(true);
    const plotted = new Set(scatter.points.map((p) => p.traceId));
    expect(plotted.size).toBe(SCATTER_CAP);
    for (const e of all.errors) expect(plotted.has(e)).toBe(true);
    for (const s of all.slowest) expect(plotted.has(s)).toBe(true);
    // The sample spreads over the window: points in its oldest and its newest tenth.
    const starts = scatter.points.map((p) => now.getTime() - Date.parse(p.startTime));
    expect(starts.some((ago) => ago < TOTAL * 100)).toBe(true);
    expect(starts.some((ago) => ago > TOTAL * 900)).toBe(true);
    // Stable: a reload plots the same points.
    const again = await t.asReader(ALL, (tx) => scatterIn(tx, ALL, filters({}), now));
    expect(again.points.map((p) => p.traceId)).toEqual(scatter.points.map((p) => p.traceId));
  });

  it("under the cap plots every match, regardless of the table's sort, cursor and page size", async () => {
    const f = filters({ range: "1h", sort: "duration", dir: "asc", limit: "10" });
    const page = await t.asReader(ALL, (tx) => searchTracesIn(tx, ALL, f, now));
    const scatter = await t.asReader(ALL, (tx) => scatterIn(tx, ALL, f, now));
    const inWindow = await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM traces WHERE start_time >= ${now} - interval '1 hour'`;
    expect(scatter.total).toBe(inWindow[0]!.n);
    expect(scatter.points).toHaveLength(scatter.total);
    expect(scatter.sampled).toBe(false);
    const next = await t.asReader(ALL, (tx) => scatterIn(tx, ALL, { ...f, cursor: page.nextCursor! }, now));
    expect(next.points).toEqual(scatter.points);
  });

  it("when the errors alone pass the cap, plots the slowest errors and says not all are shown", async () => {
    const scatter = await t.asReader(ALL, (tx) => scatterIn(tx, ALL, filters({}), now, { cap: 200, slowest: 10 }));
    expect(scatter.points).toHaveLength(200);
    expect(scatter.allErrors).toBe(false);
    expect(scatter.points.filter((p) => p.error).length).toBeGreaterThanOrEqual(190);
  });

  it("keeps to the caller's tenants, also when a tenant outside the scope is asked for by row-level security alone", async () => {
    for (const [scope, tenant] of [[ALPHA, "alpha"], [BETA, "beta"]] as const) {
      const scatter = await t.asReader(scope, (tx) => scatterIn(tx, scope, filters({}), now));
      expect(new Set(scatter.points.map((p) => p.tenantId))).toEqual(new Set([tenant]));
      expect(scatter.total).toBe((await matches({ tenant })).ids.length);
    }
    // The filter names beta, the scope only alpha: the reader's policy leaves nothing.
    const probe = await t.asReader(ALPHA, (tx) => scatterIn(tx, ALL, filters({ tenant: "beta" }), now));
    expect(probe).toMatchObject({ total: 0, points: [] });
  });

  it("answers an empty window with zero points and zero counts", async () => {
    const scatter = await t.asReader(ALL, (tx) => scatterIn(tx, ALL, filters({ minDuration: "2m" }), now));
    expect(scatter).toEqual({ points: [], total: 0, errors: 0, sampled: false, allErrors: true });
  });

  it("finds a looked-up id wherever it falls", async () => {
    const scatter = await t.asReader(ALL, (tx) => scatterIn(tx, ALL, filters({ q: id(40) }), now));
    expect(scatter.points.map((p) => p.traceId)).toEqual([id(40)]);
    expect(scatter.points[0]!.error).toBe(true);
  });
});
