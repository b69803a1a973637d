import { randomInt } from "node:crypto";
import type { Sql } from "../../db/connect";
import { rebuildRollupSince } from "../../lib/ingest/derivations/rollup";
import { rebuildServiceMapSince } from "../../lib/ingest/derivations/service-map";
import { copyBatches, type Batch } from "./copy-batches";
import { DEMO_SCOPE, demoResources, type DemoResource, type ServiceName } from "./resources";
import { DemoTraceSource } from "./source";
import { DEMO_TENANTS } from "./tenants";
import { tenantTraffic, type TenantTraffic } from "./traffic";

export interface SeedOptions {
  traces: number;
  /** Spread start times over the last N days (default 7). */
  days?: number;
  /** PRNG seed: the same seed gives the same traces (ids, shapes, tenants); random if unset. */
  seed?: number;
  now?: Date;
  /** Stop once this many spans are written, even if fewer than `traces` traces are. */
  maxSpans?: number;
  /** Also write the log records the traces' services would have shipped (the demo does; the benchmarks' span seeds need not). */
  logs?: boolean;
  onProgress?: (progress: { traces: number; spans: number }) => void;
}

export interface SeedResult {
  traces: number;
  spans: number;
  ms: number;
}

/** Spans per COPY transaction. */
export const BATCH_SPANS = 200_000;
const DAY_MS = 86_400_000;

function validate(options: SeedOptions): { days: number; seed: number; maxSpans: number } {
  const { traces, days = 7, seed = randomInt(2 ** 31), maxSpans = Infinity } = options;
  if (!Number.isInteger(traces) || traces < 0) throw new RangeError(`traces must be a whole number ≥ 0, got ${traces}`);
  // ensure_span_partitions refuses more than 400 days at once.
  if (!Number.isInteger(days) || days < 1 || days > 365) throw new RangeError(`days must be a whole number from 1 to 365, got ${days}`);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (!(maxSpans > 0)) throw new RangeError(`maxSpans must be positive, got ${maxSpans}`);
  return { days, seed, maxSpans };
}

async function insertResourcesAndScope(sql: Sql, resources: Map<ServiceName, DemoResource[]>): Promise<void> {
  const all = [...resources.values()].flat();
  const rows = DEMO_TENANTS.flatMap((t) => all.map((r) => ({ tenant_id: t.id, id: r.id, attributes: r.attributes })));
  // Sent as text and parsed by Postgres: a jsonb parameter would be JSON-encoded once more.
  await sql`
    INSERT INTO resources (tenant_id, id, attributes)
    SELECT r.tenant_id, r.id::bigint, r.attributes
    FROM jsonb_to_recordset((${JSON.stringify(rows)}::text)::jsonb) AS r(tenant_id text, id text, attributes jsonb)
    ON CONFLICT (tenant_id, id) DO NOTHING`;
  // last_span_day defaults to today, as the resources': no demo span starts later.
  await sql`
    INSERT INTO scopes (tenant_id, id, name, version, attributes, dropped_attributes_count, schema_url)
    SELECT t, ${DEMO_SCOPE.id}::bigint, ${DEMO_SCOPE.name}, ${DEMO_SCOPE.version}, '{}'::jsonb, 0, ''
    FROM unnest(${DEMO_TENANTS.map((t) => t.id)}::text[]) AS t
    ON CONFLICT (tenant_id, id) DO NOTHING`;
}

export interface DemoWindow {
  fromMs: number;
  toMs: number;
}

/**
 * Gets the database ready for demo spans in the window: daily partitions, the demo resources and scope,
 * and the tenants with the slow thresholds the database holds (an admin may have changed them).
 */
export async function prepareDemoDatabase(sql: Sql, window: DemoWindow): Promise<{ tenants: TenantTraffic[]; resources: Map<ServiceName, DemoResource[]> }> {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  await sql`SELECT ensure_span_partitions(${day(window.fromMs)}::date, ${day(window.toMs)}::date)`;
  await sql`SELECT ensure_log_partitions(${day(window.fromMs)}::date, ${day(window.toMs)}::date)`;
  const resources = demoResources();
  await insertResourcesAndScope(sql, resources);
  const rows = await sql<{ id: string; slow_threshold_ms: number }[]>`
    SELECT id, slow_threshold_ms FROM tenants WHERE id IN ${sql(DEMO_TENANTS.map((t) => t.id))}`;
  return { tenants: tenantTraffic(DEMO_TENANTS, new Map(rows.map((r) => [r.id, r.slow_threshold_ms]))), resources };
}

/**
 * Writes `traces` demo traces (spans, deduplicated resources and one summary row per trace)
 * with COPY, and their log records if asked. Meant for an empty database or appending: trace ids are random, so they do not
 * collide with what is there, but nothing is upserted.
 */
export async function generateDemoTraces(sql: Sql, options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const { days, seed, maxSpans } = validate(options);
  const toMs = (options.now ?? new Date()).getTime();
  const window = { fromMs: toMs - days * DAY_MS, toMs };
  const { tenants, resources } = await prepareDemoDatabase(sql, window);

  const source = new DemoTraceSource({ seed, fromUs: window.fromMs * 1000, toUs: window.toMs * 1000, tenants, resources });
  const hasMore = () => source.traces < options.traces && source.spans < maxSpans;
  await copyBatches(
    sql,
    {
      hasMore,
      fill: async (spanCopy) => {
        const batch: Batch = { summaries: "", traces: 0, spans: 0, logs: [] };
        while (hasMore() && batch.spans < BATCH_SPANS) {
          const trace = source.next(spanCopy, options.logs ? batch.logs : undefined);
          batch.summaries += trace.summary;
          batch.traces++;
          batch.spans += trace.spans;
          // Awaiting the socket also lets the other COPY stream take its turn.
          await spanCopy.flushIfFull();
        }
        return batch;
      },
    },
    options.onProgress,
  );
  await rebuildRollupSince(sql, new Date(window.fromMs));
  await rebuildServiceMapSince(sql, new Date(window.fromMs));
  return { traces: source.traces, spans: source.spans, ms: performance.now() - started };
}
