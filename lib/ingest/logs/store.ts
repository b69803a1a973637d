import "server-only";
import type { TransactionSql } from "postgres";
import type { Sql } from "@/db/connect";
import { isMissingPartition, isRetryableConflict, isUniqueViolation } from "@/db/errors";
import type { KeyScope } from "../otlp-http/authenticate";
import { countCleaned } from "../otlp-http/clean";
import { LOG_COUNTER } from "../otlp-http/counters";
import type { RefusalReason } from "../otlp-http/refusals";
import { copyBehind, dayNamer, groupByUtcDay, recordOutcome, upsertResourcesAndScopes } from "../otlp-http/shared-writes";
import { claimedTenantIds, Refusals, resolveTenant, type TenantPolicy } from "../otlp-http/tenant-rule";
import { fromNs } from "../traces/sql-time";
import { copyIntoLogPartition, logCopyText } from "./log-copy";
import type { NormalizedLogEntry, NormalizedLogRecord } from "./normalize";

export interface LogStoreOptions {
  /** How far ahead of now a record's time may be (clock skew). */
  futureToleranceMs: number;
  /** A write waiting longer than this for a lock gives up (HTTP 503) instead of piling up. */
  lockTimeoutMs: number;
}

export interface LogStoreResult {
  /** Records written now; a retried export stores none and counts its records as duplicates. */
  stored: number;
  duplicates: number;
  refused: Map<RefusalReason, number>;
}

interface AcceptedLog {
  tenantId: string;
  record: NormalizedLogRecord;
}

interface StoredCount {
  tenant_id: string;
  n: number;
}

const MAX_ATTEMPTS = 3;
/** Isolation violations name a trace; a log record outside any trace names the nil uuid. */
const NO_TRACE = "00000000-0000-0000-0000-000000000000";

interface TenantRow {
  id: string;
  kept_retention_days: number;
  slow_threshold_ms: number;
  keep_ratio: number;
}

/**
 * One insert of the request's accepted records, when a COPY found one of them stored already: a
 * record already stored (same tenant, time and content) is skipped. Answers how many it stored
 * per tenant: a row back per record cost the client more than the counting.
 */
const INSERT_RECORDS = `
  WITH stored AS (
  INSERT INTO log_records (tenant_id, time, time_sub_us_ns, record_id, observed_time_ns, severity_number, severity_text,
                           body_type, body, attributes, resource_id, scope_id, trace_id, span_id, flags, event_name, dropped_attributes_count)
  SELECT t, ${fromNs("ns")}, (ns % 1000)::smallint, rid, obs, sev, sevt, bt, b::jsonb, a::jsonb, res, sc, tr, sp, fl, ev, dr
  -- jsonb sent as text: postgres.js would JSON-encode strings bound to jsonb[] a second time.
  FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::smallint[], $6::text[], $7::text[], $8::text[], $9::text[],
              $10::bigint[], $11::bigint[], $12::uuid[], $13::bigint[], $14::integer[], $15::text[], $16::integer[])
    AS u(t, ns, rid, obs, sev, sevt, bt, b, a, res, sc, tr, sp, fl, ev, dr)
  ON CONFLICT (tenant_id, time, record_id) DO NOTHING
  RETURNING tenant_id)
  SELECT tenant_id, count(*)::int AS n FROM stored GROUP BY tenant_id`;

function insertParameters(accepted: readonly AcceptedLog[]) {
  const r = accepted.map((a) => a.record);
  return [
    accepted.map((a) => a.tenantId),
    r.map((x) => x.timeNs.toString()),
    r.map((x) => x.recordId),
    r.map((x) => x.observedNs?.toString() ?? null),
    r.map((x) => x.severityNumber),
    r.map((x) => x.severityText),
    r.map((x) => x.bodyType),
    r.map((x) => x.bodyJson),
    r.map((x) => x.attributesJson),
    r.map((x) => x.resource.id),
    r.map((x) => x.scope.id),
    r.map((x) => x.traceId),
    r.map((x) => x.spanId),
    // flags is a fixed32 in a signed int4 column: its bits, as `| 0` gives them.
    r.map((x) => x.flags | 0),
    r.map((x) => x.eventName),
    r.map((x) => x.droppedAttributesCount),
  ];
}


/**
 * How a request's records are written. "copy": COPY into the days' partitions, whose text costs
 * the handler less than the insert's parameter arrays; it fails (unique_violation) when any
 * record is stored already or sent twice. "insert": through log_records with ON CONFLICT DO
 * NOTHING, which skips those.
 */
type WriteMode = "copy" | "insert";

/**
 * Writes one request's log records in one transaction, as the ingest role: all of them or
 * none. The tenant rule is the spans' (otlp-http/tenant-rule.ts), against the tenants read in
 * the transaction. A record's identity is its tenant, time and content hash, so a retried
 * export, or two concurrent copies of one, stores each record once: the COPY of a record
 * already stored, or being stored by another transaction (it waits for that one's outcome),
 * fails, and the request is written again with the insert that skips it. No locks of
 * ingest's own are needed.
 */
export class LogStore {
  constructor(
    private readonly sql: Sql,
    private readonly options: LogStoreOptions,
  ) {}

  async store(entries: readonly NormalizedLogEntry[], key: KeyScope, now: Date): Promise<LogStoreResult> {
    let mode: WriteMode = "copy";
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(entries, key, now, mode);
      } catch (error) {
        if (mode === "copy" && isUniqueViolation(error)) {
          // A retried or repeated export: again, skipping what is stored. Not a failed attempt.
          mode = "insert";
          attempt--;
          continue;
        }
        // A day's partition detached by a purge under way, or a serialisation conflict: the next attempt finds it made again.
        if (attempt >= MAX_ATTEMPTS || !(isMissingPartition(error) || isRetryableConflict(error))) throw error;
      }
    }
  }

  private async attempt(entries: readonly NormalizedLogEntry[], key: KeyScope, now: Date, mode: WriteMode): Promise<LogStoreResult> {
    return (await this.sql.begin(async (tx) => {
      const records = entries.flatMap((e) => (e.record ? [e.record] : []));
      const [, tenantRows] = await Promise.all([
        tx`SELECT set_config('role', 'te_writer', true), set_config('lock_timeout', ${`${this.options.lockTimeoutMs}ms`}, true)`,
        tx<TenantRow[]>`
          SELECT id, kept_retention_days, slow_threshold_ms, keep_ratio FROM tenants WHERE id = ANY(${claimedTenantIds(records, key)}::text[])`,
      ]);
      const tenants = new Map<string, TenantPolicy>(
        tenantRows.map((t) => [t.id, { id: t.id, keptRetentionDays: t.kept_retention_days, slowThresholdMs: t.slow_threshold_ms, keepRatio: t.keep_ratio }]),
      );
      const rule = { key, tenants, now, futureToleranceMs: this.options.futureToleranceMs };
      const refusals = new Refusals(tenants, LOG_COUNTER.refusedPrefix);
      const accepted: AcceptedLog[] = [];
      const sharedCounted = new Set<string>();
      for (const entry of entries) {
        if (entry.refused) {
          refusals.refuse(entry.refused, key.tenantId ?? undefined);
          continue;
        }
        const verdict = resolveTenant(entry.record, entry.record.traceId ?? NO_TRACE, entry.record.timeNs, rule);
        if ("refused" in verdict) refusals.refuse(verdict.refused, verdict.counted, verdict.violation);
        else {
          const a = { tenantId: verdict.tenantId, record: entry.record };
          accepted.push(a);
          countCleaned(refusals.counters, a.tenantId, a.record, sharedCounted);
        }
      }

      const acceptedBy = new Map<string, number>();
      for (const { tenantId } of accepted) acceptedBy.set(tenantId, (acceptedBy.get(tenantId) ?? 0) + 1);
      // A COPY that succeeded stored every accepted record.
      const storedBy = accepted.length === 0 ? new Map<string, number>() : mode === "copy" ? (await this.copy(tx, accepted), acceptedBy) : await this.insert(tx, accepted);
      let stored = 0;
      for (const [tenantId, n] of acceptedBy) {
        const s = storedBy.get(tenantId) ?? 0;
        stored += s;
        refusals.counters.add(tenantId, LOG_COUNTER.stored, s);
        refusals.counters.add(tenantId, LOG_COUNTER.duplicates, n - s);
      }
      await recordOutcome(tx, refusals.counters, refusals.loggedViolations(), key, now);
      return { stored, duplicates: accepted.length - stored, refused: refusals.refused };
    })) as LogStoreResult;
  }

  /** The days' partitions, the resources and scopes, then a COPY of the records per day; queued on the one connection: one round trip. */
  private async copy(tx: TransactionSql, accepted: readonly AcceptedLog[]): Promise<void> {
    const byDay = groupByUtcDay(accepted, (a) => a.record.timeNs);
    const days = [...byDay.keys()].sort();
    await copyBehind(
      tx,
      [tx`SELECT ingest_log_partitions(${days[0]!}::date, ${days[days.length - 1]!}::date)`, this.shared(tx, accepted)],
      [...byDay].map(([day, records]) => ({ statement: copyIntoLogPartition(day), rows: () => logCopyText(records) })),
    );
  }

  /** The days' partitions, the resources and scopes, then the records' insert; queued on the one connection: one round trip. */
  private async insert(tx: TransactionSql, accepted: readonly AcceptedLog[]): Promise<Map<string, number>> {
    const utcDay = dayNamer();
    let first = accepted[0]!.record.timeNs;
    let last = first;
    for (const { record } of accepted) {
      if (record.timeNs < first) first = record.timeNs;
      if (record.timeNs > last) last = record.timeNs;
    }
    const [, , rows] = await Promise.all([
      tx`SELECT ensure_log_partitions(${utcDay(first)}::date, ${utcDay(last)}::date)`,
      this.shared(tx, accepted),
      tx.unsafe<StoredCount[]>(INSERT_RECORDS, insertParameters(accepted) as never[], { prepare: true }),
    ]);
    return new Map(rows.map((r) => [r.tenant_id, r.n]));
  }

  private shared(tx: TransactionSql, accepted: readonly AcceptedLog[]): Promise<unknown> {
    return upsertResourcesAndScopes(tx, accepted.map((a) => ({ tenantId: a.tenantId, resource: a.record.resource, scope: a.record.scope, ns: a.record.timeNs })));
  }
}
