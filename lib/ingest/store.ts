import type { TransactionSql } from "postgres";
import type { Sql } from "@/db/connect";
import { CopyWriter } from "@/db/demo/copy-stream";
import { COUNTER } from "./counters";
import { isMissingPartition, isRetryableConflict } from "@/db/errors";
import { claimedTenantIds, enforceTenants, traceIdsOf, type AcceptedSpan, type Enforcement, type KeyScope, type TenantPolicy } from "./enforce-tenant";
import type { NormalizedEntry, NormalizedResource } from "./normalize";
import type { RefusalReason } from "./refusals";
import { rollupInsertedSpans } from "./rollup";
import { spanCopyText } from "./span-copy";
import { foldTraceAttributes } from "./trace-attributes";
import { COPY_STAGING, CREATE_STAGING, MOVE_STAGED_SPANS } from "./store-sql";

export interface StoreOptions {
  /** How far ahead of now a span may start (clock skew). */
  futureToleranceMs: number;
  /** A write waiting longer than this for a lock gives up (HTTP 503) instead of piling up. */
  lockTimeoutMs: number;
}

export interface StoreResult {
  /** Spans written now; a retried export stores none and counts its spans as duplicates. */
  stored: number;
  duplicates: number;
  refused: Map<RefusalReason, number>;
}

const MAX_ATTEMPTS = 3;
const DAY_MS = 86_400_000;

function utcDay(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** The first 64 bits of a trace id, as the key of its transaction-scoped advisory lock. */
function lockKey(traceUuid: string): bigint {
  return BigInt.asIntN(64, BigInt(`0x${traceUuid.slice(0, 8)}${traceUuid.slice(9, 13)}${traceUuid.slice(14, 18)}`));
}

interface TenantRow {
  id: string;
  kept_retention_days: number;
  slow_threshold_ms: number;
  keep_ratio: number;
}

/**
 * Writes one request's spans in one transaction, as the ingest role: all of them or none.
 * Tenant enforcement runs inside it, against the tenants and trace owners it reads, while
 * advisory locks on the request's trace ids keep a concurrent request from giving one trace
 * two owners. Spans already stored (a retried export) are skipped by the primary key.
 */
export class SpanStore {
  // Days whose partition is known to exist, so most requests skip ensure_span_partitions.
  private readonly partitionDays = new Set<string>();

  constructor(
    private readonly sql: Sql,
    private readonly options: StoreOptions,
  ) {}

  async store(entries: readonly NormalizedEntry[], key: KeyScope, now: Date): Promise<StoreResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(entries, key, now);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS) throw error;
        if (isMissingPartition(error)) this.partitionDays.clear();
        else if (!isRetryableConflict(error)) throw error;
      }
    }
  }

  private async attempt(entries: readonly NormalizedEntry[], key: KeyScope, now: Date): Promise<StoreResult> {
    const traceIds = traceIdsOf(entries);
    const locks = [...new Set(traceIds.map(lockKey))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
    const tenantIds = claimedTenantIds(entries, key);

    return (await this.sql.begin(async (tx) => {
      // Pipelined: one round trip for the role, the locks and both lookups.
      const [, , tenantRows, ownerRows] = await Promise.all([
        // SET LOCAL ROLE and SET LOCAL lock_timeout, as one prepared statement.
        tx`SELECT set_config('role', 'te_writer', true), set_config('lock_timeout', ${`${this.options.lockTimeoutMs}ms`}, true)`,
        tx`SELECT pg_advisory_xact_lock(k) FROM unnest(${locks}::bigint[]) AS k`,
        tx<TenantRow[]>`
          SELECT id, kept_retention_days, slow_threshold_ms, keep_ratio FROM tenants WHERE id = ANY(${tenantIds}::text[])`,
        tx<{ trace_id: string; tenant_id: string }[]>`
          SELECT DISTINCT ON (trace_id) trace_id, tenant_id FROM traces
          WHERE trace_id = ANY(${traceIds}::uuid[]) ORDER BY trace_id, start_time`,
      ]);
      const tenants = new Map<string, TenantPolicy>(
        tenantRows.map((t) => [t.id, { id: t.id, keptRetentionDays: t.kept_retention_days, slowThresholdMs: t.slow_threshold_ms, keepRatio: t.keep_ratio }]),
      );
      const storedOwners = new Map(ownerRows.map((r) => [r.trace_id, r.tenant_id]));
      const decision = enforceTenants(entries, { key, tenants, storedOwners, now, futureToleranceMs: this.options.futureToleranceMs });

      const stored = decision.accepted.length > 0 ? await this.write(tx, decision.accepted, tenants) : new Map<string, number>();
      const accepted = new Map<string, number>();
      for (const { tenantId } of decision.accepted) accepted.set(tenantId, (accepted.get(tenantId) ?? 0) + 1);
      let total = 0;
      for (const [tenantId, n] of accepted) {
        const s = stored.get(tenantId) ?? 0;
        decision.counters.add(tenantId, COUNTER.stored, s);
        decision.counters.add(tenantId, COUNTER.duplicates, n - s);
        total += s;
      }
      await this.record(tx, decision, key, now);
      return { stored: total, duplicates: decision.accepted.length - total, refused: decision.refused };
    })) as StoreResult;
  }

  /** Stages the spans with COPY and moves them in; returns the spans stored per tenant. */
  private async write(tx: TransactionSql, spans: readonly AcceptedSpan[], tenants: ReadonlyMap<string, TenantPolicy>): Promise<Map<string, number>> {
    // Pipelined ahead of the COPY: the staging table, the partitions and resources the spans need.
    const pending = [tx.unsafe(CREATE_STAGING), this.ensurePartitions(tx, spans), this.upsertResources(tx, spans)];
    // Rejections are awaited below; until then they must not count as unhandled.
    for (const p of pending) p.catch(() => {});
    const copy = await CopyWriter.open(tx, COPY_STAGING);
    try {
      copy.write(spanCopyText(spans));
      await copy.end();
    } catch (error) {
      copy.abort(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    await Promise.all(pending);
    const sampled = [...tenants.values()].filter((t) => t.keepRatio < 1).map((t) => t.id);
    // Prepared: the statement is planned once per connection, not on every request.
    const rows = await tx.unsafe<{ tenant_id: string; stored: number }[]>(MOVE_STAGED_SPANS, [sampled], { prepare: true });
    await rollupInsertedSpans(tx);
    await foldTraceAttributes(tx);
    return new Map(rows.map((r) => [r.tenant_id, r.stored]));
  }

  private async ensurePartitions(tx: TransactionSql, spans: readonly AcceptedSpan[]): Promise<void> {
    let min = spans[0]!.span.startNs;
    let max = min;
    for (const { span } of spans) {
      if (span.startNs < min) min = span.startNs;
      if (span.startNs > max) max = span.startNs;
    }
    const days = daysBetween(utcDay(min), utcDay(max));
    if (days.every((d) => this.partitionDays.has(d))) return;
    await tx`SELECT ensure_span_partitions(${days[0]!}::date, ${days[days.length - 1]!}::date)`;
    // Cached before the commit makes them visible elsewhere; if this transaction rolls back
    // and takes them with it, the next write finds no partition and retries uncached.
    for (const d of days) this.partitionDays.add(d);
  }

  private async upsertResources(tx: TransactionSql, spans: readonly AcceptedSpan[]): Promise<void> {
    const byKey = new Map<string, { tenantId: string; resource: NormalizedResource }>();
    for (const { tenantId, span } of spans) byKey.set(`${tenantId}\0${span.resource.id}`, { tenantId, resource: span.resource });
    const rows = [...byKey.keys()].sort().map((k) => byKey.get(k)!);
    await tx`
      INSERT INTO resources (tenant_id, id, attributes)
      SELECT t, i, a::jsonb
      -- Sent as text: postgres.js would JSON-encode strings bound to jsonb[] a second time.
      FROM unnest(${rows.map((r) => r.tenantId)}::text[], ${rows.map((r) => r.resource.id)}::bigint[],
                  ${rows.map((r) => JSON.stringify(r.resource.attributes))}::text[]) AS u(t, i, a)
      ON CONFLICT (tenant_id, id) DO NOTHING`;
  }

  /** The request's counters and isolation violations, in the same transaction as its spans. */
  private async record(tx: TransactionSql, decision: Enforcement, key: KeyScope, now: Date): Promise<void> {
    const day = now.toISOString().slice(0, 10);
    const { tenantIds, counters, values } = decision.counters.columns();
    const v = decision.violations;
    await Promise.all([
      tenantIds.length > 0 &&
        tx`
          INSERT INTO ingest_counters (tenant_id, day, counter, value)
          SELECT t, ${day}::date, c, v FROM unnest(${tenantIds}::text[], ${counters}::text[], ${values}::bigint[]) AS u(t, c, v)
          ON CONFLICT (tenant_id, day, counter) DO UPDATE SET value = ingest_counters.value + EXCLUDED.value`,
      v.length > 0 &&
        tx`
          INSERT INTO ingest_isolation_violations (key_id, reason, trace_id, claimed_tenant, owner_tenant, spans)
          SELECT ${key.keyId}::uuid, * FROM unnest(${v.map((x) => x.reason)}::text[], ${v.map((x) => x.traceId)}::uuid[],
                 ${v.map((x) => x.claimedTenant)}::text[], ${v.map((x) => x.ownerTenant)}::text[], ${v.map((x) => x.spans)}::integer[])`,
    ]);
  }
}
