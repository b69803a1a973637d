import "server-only";
import type { TransactionSql } from "postgres";
import type { Sql } from "@/db/connect";
import type { KeyScope } from "../otlp-http/authenticate";
import { COUNTER } from "../otlp-http/counters";
import { copyBehind, groupByUtcDay, recordOutcome, upsertResourcesAndScopes } from "../otlp-http/shared-writes";
import { isMissingPartition, isRetryableConflict, isUniqueViolation } from "@/db/errors";
import type { DerivationRun, JoinedTraces, NewSpans, SpanDerivation, StoredTrace } from "./derivation";
import { claimedTenantIds, enforceTenants, traceIdsOf, type AcceptedSpan, type Enforcement, type TenantPolicy } from "./enforce-tenant";
import type { NormalizedEntry } from "./normalize";
import type { RefusalReason } from "../otlp-http/refusals";
import { storedStartNs } from "./span-facts";
import { spanCopyText } from "./span-copy";
import { SealedSpans } from "./sealed-spans";
import { copyIntoPartition, STORED_SPANS, STORED_TRACES } from "./store-sql";
import { traceKey, traceWeights } from "./trace-weights";

export interface StoreOptions {
  /** How far ahead of now a span may start (clock skew). */
  futureToleranceMs: number;
  /** A write waiting longer than this for a lock gives up (HTTP 503) instead of piling up. */
  lockTimeoutMs: number;
  /** What is kept beside the spans, written in their transaction, in this order (lib/ingest/derivations/list.ts). */
  derivations: readonly SpanDerivation[];
}

export interface StoreResult {
  /** Spans written now; a retried export stores none and counts its spans as duplicates. */
  stored: number;
  duplicates: number;
  refused: Map<RefusalReason, number>;
}

const MAX_ATTEMPTS = 3;

const partitionOf = (day: string) => `spans_p${day.replaceAll("-", "")}`;

/** The first 64 bits of a trace id, as the key of its transaction-scoped advisory lock. */
function lockKey(traceUuid: string): bigint {
  return BigInt.asIntN(64, BigInt(`0x${traceUuid.slice(0, 8)}${traceUuid.slice(9, 13)}${traceUuid.slice(14, 18)}`));
}

/**
 * The advisory lock keys of these traces, in the one order every writer takes them (ascending,
 * ingest and the sealer alike), so two transactions locking several traces never wait on each other in a cycle.
 */
export function traceLockKeys(traceUuids: readonly string[]): string[] {
  return [...new Set(traceUuids.map(lockKey))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
}

/** A stored row's key: the span and its start (microseconds, in nanoseconds), as the primary key has it. */
const rowKey = (tenantId: string, traceId: string, spanId: string, startNs: bigint | string) => `${tenantId}/${traceId}/${spanId}/${startNs}`;

interface TenantRow {
  id: string;
  kept_retention_days: number;
  slow_threshold_ms: number;
  keep_ratio: number;
}

/** What the request's lookups found stored. */
interface Stored {
  tenants: Map<string, TenantPolicy>;
  /** By traceKey. */
  traces: Map<string, StoredTrace>;
  spans: Set<string>;
}

/**
 * Writes one request's spans in one transaction, as the ingest role: all of them or none.
 * Tenant enforcement runs inside it, against the tenants and stored traces it reads, while
 * advisory locks on the request's trace ids keep a concurrent request from storing one span
 * twice or missing a trace id another tenant is starting at the same time. Spans already stored (a retried export) are skipped.
 * The derivations (the traces' summaries, the latency rollup) are computed from the new spans
 * only and written in the same transaction, in list order, so what they keep is there exactly
 * when the spans are and counts each span once.
 */
export class SpanStore {
  constructor(
    private readonly sql: Sql,
    private readonly options: StoreOptions,
  ) {}

  async store(entries: readonly NormalizedEntry[], key: KeyScope, now: Date): Promise<StoreResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.attempt(entries, key, now);
        if (result.stored > 0) for (const d of this.options.derivations) d.committed?.();
        return result;
      } catch (error) {
        // A unique violation means another writer stored one of these spans first: the next
        // attempt finds it stored and skips it.
        if (attempt >= MAX_ATTEMPTS || !(isMissingPartition(error) || isRetryableConflict(error) || isUniqueViolation(error))) throw error;
      }
    }
  }

  private async attempt(entries: readonly NormalizedEntry[], key: KeyScope, now: Date): Promise<StoreResult> {
    return (await this.sql.begin(async (tx) => {
      const runs = this.options.derivations.map((d) => d.start());
      const stored = await this.lookup(tx, entries, key);
      const decision = enforceTenants(entries, { key, tenants: stored.tenants, storedTenants: tenantsByTraceId(stored.traces.values()), now, futureToleranceMs: this.options.futureToleranceMs });
      await this.lookupSpans(tx, decision.accepted, stored, runs);

      // The spans to insert: accepted, not stored, each once.
      const fresh: AcceptedSpan[] = [];
      const seen = new Set<string>();
      for (const a of decision.accepted) {
        const id = rowKey(a.tenantId, a.span.traceId, a.span.spanId, storedStartNs(a.span.startNs));
        if (stored.spans.has(id) || seen.has(id)) continue;
        seen.add(id);
        fresh.push(a);
      }

      const counted = new Map<string, { accepted: number; stored: number }>();
      const tally = (tenantId: string) => counted.get(tenantId) ?? counted.set(tenantId, { accepted: 0, stored: 0 }).get(tenantId)!;
      for (const { tenantId } of decision.accepted) tally(tenantId).accepted++;
      for (const { tenantId } of fresh) tally(tenantId).stored++;
      for (const [tenantId, n] of counted) {
        decision.counters.add(tenantId, COUNTER.stored, n.stored);
        decision.counters.add(tenantId, COUNTER.duplicates, n.accepted - n.stored);
      }

      await this.write(tx, fresh, decision, stored, runs, key, now);
      return { stored: fresh.length, duplicates: decision.accepted.length - fresh.length, refused: decision.refused };
    })) as StoreResult;
  }

  /** The role, the locks, the tenants and the stored traces with the request's trace ids, of any tenant, in one round trip. */
  private async lookup(tx: TransactionSql, entries: readonly NormalizedEntry[], key: KeyScope): Promise<Stored> {
    const traceIds = traceIdsOf(entries);
    const locks = traceLockKeys(traceIds);
    const [, , tenantRows, traceRows] = await Promise.all([
      // SET LOCAL ROLE and SET LOCAL lock_timeout, as one prepared statement. Every statement of
      // an ingest transaction addresses stored rows by key, one index probe per key, so the plans
      // that read a table (or a whole index) once for all keys are turned off for it: a day
      // partition starts empty and unanalysed, and on a young partition the planner prefers them,
      // a read that grows with the stored trace on every request (ingest.large-trace.test.ts).
      tx`SELECT set_config('role', 'te_writer', true), set_config('lock_timeout', ${`${this.options.lockTimeoutMs}ms`}, true),
                set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true),
                set_config('enable_mergejoin', 'off', true), set_config('enable_material', 'off', true)`,
      tx`SELECT pg_advisory_xact_lock(k) FROM unnest(${locks}::bigint[]) AS k`,
      tx<TenantRow[]>`
        SELECT id, kept_retention_days, slow_threshold_ms, keep_ratio FROM tenants WHERE id = ANY(${claimedTenantIds(entries, key)}::text[])`,
      tx.unsafe<StoredTrace[]>(STORED_TRACES, [traceIds], { prepare: true }),
    ]);
    return {
      tenants: new Map(tenantRows.map((t) => [t.id, { id: t.id, keptRetentionDays: t.kept_retention_days, slowThresholdMs: t.slow_threshold_ms, keepRatio: t.keep_ratio }])),
      traces: new Map(traceRows.map((t) => [traceKey(t.tenant_id, t.trace_id), t])),
      spans: new Set(),
    };
  }

  /**
   * Only when some accepted spans join their tenant's stored traces (late spans, a retried
   * export), a second round trip for what of those traces is stored: the spans themselves, and
   * what the derivations read of them, in rows and, for a sealed trace only, in its segments.
   */
  private async lookupSpans(tx: TransactionSql, accepted: readonly AcceptedSpan[], stored: Stored, runs: readonly DerivationRun[]): Promise<void> {
    const joined = new Map<string, StoredTrace>();
    for (const { tenantId, span } of accepted) {
      const key = traceKey(tenantId, span.traceId);
      const trace = stored.traces.get(key);
      if (trace) joined.set(key, trace);
    }
    if (joined.size === 0) return;

    const keys = { tenants: [] as string[], traces: [] as string[], spans: [] as string[], starts: [] as string[] };
    for (const { tenantId, span } of accepted) {
      if (!joined.has(traceKey(tenantId, span.traceId))) continue;
      keys.tenants.push(tenantId);
      keys.traces.push(span.traceId);
      keys.spans.push(span.spanId);
      keys.starts.push(storedStartNs(span.startNs).toString());
    }
    const sealed = new SealedSpans(tx, new Set([...joined].filter(([, t]) => t.sealed).map(([key]) => key)));
    const traces: JoinedTraces = { traces: [...joined.values()], accepted, joins: (tenantId, traceId) => joined.has(traceKey(tenantId, traceId)), sealed };
    const [spanRows, sealedKeys] = await Promise.all([
      tx.unsafe<{ tenant_id: string; trace_id: string; span_id: string; start_ns: string }[]>(STORED_SPANS, [keys.tenants, keys.traces, keys.spans, keys.starts], { prepare: true }),
      sealed.storedKeys(keys.spans.map((spanId, i) => ({ tenantId: keys.tenants[i]!, traceId: keys.traces[i]!, spanId, startNs: BigInt(keys.starts[i]!) }))),
      ...runs.map((r) => r.lookup?.(tx, traces)),
    ]);
    for (const s of spanRows) stored.spans.add(rowKey(s.tenant_id, s.trace_id, s.span_id, s.start_ns));
    for (const k of sealedKeys) stored.spans.add(rowKey(k.tenantId, k.traceId, k.spanId, k.startNs));
  }

  private async write(tx: TransactionSql, fresh: readonly AcceptedSpan[], decision: Enforcement, stored: Stored, runs: readonly DerivationRun[], key: KeyScope, now: Date): Promise<void> {
    const statements: Promise<unknown>[] = [];
    const byDay = groupByUtcDay(fresh, (a) => a.span.startNs);
    if (fresh.length > 0) {
      const weights = traceWeights(fresh, stored.traces);
      const spans: NewSpans = {
        fresh,
        accepted: decision.accepted,
        tenants: stored.tenants,
        traceWeight: (tenantId, traceId) => weights.get(traceKey(tenantId, traceId)) ?? 1,
        hasSegments: (tenantId, traceId) => stored.traces.get(traceKey(tenantId, traceId))?.sealed === true,
      };
      const days = [...byDay.keys()].sort();
      statements.push(
        tx`SELECT ingest_span_partitions(${days[0]!}::date, ${days[days.length - 1]!}::date)`,
        upsertResourcesAndScopes(tx, fresh.map((a) => ({ tenantId: a.tenantId, resource: a.span.resource, scope: a.span.scope, ns: a.span.startNs }))),
        ...runs.map((r) => r.write(tx, spans)),
      );
    }
    await copyBehind(
      tx,
      statements,
      [...byDay].map(([day, spans]) => ({ statement: copyIntoPartition(partitionOf(day)), rows: () => [spanCopyText(spans)] })),
    );
    // Last, so the day's counter rows, which every concurrent request of a tenant updates, stay
    // locked only until the commit that follows, not while the spans are sent: issued first,
    // they made the requests' writes take turns.
    await recordOutcome(tx, decision.counters, decision.violations, key, now);
  }
}

/** The tenants holding each stored trace id, for enforcement's isolation log. */
function tenantsByTraceId(traces: Iterable<StoredTrace>): Map<string, string[]> {
  const byId = new Map<string, string[]>();
  for (const t of traces) {
    const tenants = byId.get(t.trace_id);
    if (tenants) tenants.push(t.tenant_id);
    else byId.set(t.trace_id, [t.tenant_id]);
  }
  return byId;
}
