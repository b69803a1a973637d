import "server-only";
import type { TransactionSql } from "postgres";
import { CopyWriter } from "@/db/span-codec/copy-stream";
import type { KeyScope } from "./authenticate";
import type { NormalizedResource, NormalizedScope } from "./clean";
import type { TenantCounters } from "./counters";
import type { IsolationViolation } from "./tenant-rule";

/**
 * What every signal's ingest transaction writes beside its records: the resources and scopes
 * they refer to, and the request's counters and isolation violations.
 */

const NS_PER_DAY = 86_400_000_000_000n;

/** The UTC day of a time, "YYYY-MM-DD"; one request's records share a day or two. */
export function dayNamer(): (ns: bigint) => string {
  const names = new Map<bigint, string>();
  return (ns) => {
    const day = ns / NS_PER_DAY;
    let name = names.get(day);
    if (name === undefined) names.set(day, (name = new Date(Number(day) * 86_400_000).toISOString().slice(0, 10)));
    return name;
  };
}

/** Items by the UTC day of their time ("YYYY-MM-DD"), in the order met. */
export function groupByUtcDay<T>(items: readonly T[], ns: (item: T) => bigint): Map<string, T[]> {
  const utcDay = dayNamer();
  const byDay = new Map<string, T[]>();
  for (const item of items) {
    const day = utcDay(ns(item));
    const list = byDay.get(day);
    if (list) list.push(item);
    else byDay.set(day, [item]);
  }
  return byDay;
}

/** A stored record as the shared rows see it: its tenant, resource, scope and time. */
export interface SharedRefs {
  tenantId: string;
  resource: NormalizedResource;
  scope: NormalizedScope;
  ns: bigint;
}

/**
 * The distinct resources (or scopes) of the records per tenant, each with the UTC day of its
 * latest record, in key order (so concurrent requests lock rows in the same order).
 */
function latestDays<T extends { id: string }>(records: readonly SharedRefs[], of: (r: SharedRefs) => T) {
  const byKey = new Map<string, { tenantId: string; row: T; dayNs: bigint }>();
  for (const r of records) {
    const row = of(r);
    const key = `${r.tenantId}\0${row.id}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { tenantId: r.tenantId, row, dayNs: r.ns });
    else if (r.ns > seen.dayNs) seen.dayNs = r.ns;
  }
  const sorted = [...byKey.keys()].sort().map((k) => byKey.get(k)!);
  const utcDay = dayNamer();
  return { tenantIds: sorted.map((r) => r.tenantId), ids: sorted.map((r) => r.row.id), rows: sorted.map((r) => r.row), days: sorted.map((r) => utcDay(r.dayNs)) };
}

/**
 * Stores new resources and scopes and moves each one's latest span day forward, which
 * retention purges them by (lib/retention/purge-derived.ts). The update comes first: it locks a
 * row whose day it moves, so a purge deciding on the old day waits and then finds the new one,
 * and a row a purge just deleted is inserted again. A row already at a later day is neither
 * locked nor purgeable. One UPDATE and one INSERT per table, queued with the request's other
 * statements: no round trip of its own. A log record's day counts as a span's: its resource
 * and scope stay as long as it may.
 */
export function upsertResourcesAndScopes(tx: TransactionSql, records: readonly SharedRefs[]): Promise<unknown> {
  const resources = latestDays(records, (r) => r.resource);
  const scopes = latestDays(records, (r) => r.scope);
  return Promise.all([
    tx`
      UPDATE resources r SET last_span_day = u.d
      FROM unnest(${resources.tenantIds}::text[], ${resources.ids}::bigint[], ${resources.days}::date[]) AS u(t, i, d)
      WHERE r.tenant_id = u.t AND r.id = u.i AND r.last_span_day < u.d`,
    tx`
      INSERT INTO resources (tenant_id, id, attributes, schema_url, dropped_attributes_count, last_span_day)
      SELECT t, i, a::jsonb, s, n, d
      -- Sent as text: postgres.js would JSON-encode strings bound to jsonb[] a second time.
      FROM unnest(${resources.tenantIds}::text[], ${resources.ids}::bigint[], ${resources.rows.map((r) => JSON.stringify(r.attributes))}::text[],
                  ${resources.rows.map((r) => r.schemaUrl)}::text[], ${resources.rows.map((r) => r.droppedAttributesCount)}::integer[], ${resources.days}::date[])
        AS u(t, i, a, s, n, d)
      ON CONFLICT (tenant_id, id) DO NOTHING`,
    tx`
      UPDATE scopes r SET last_span_day = u.d
      FROM unnest(${scopes.tenantIds}::text[], ${scopes.ids}::bigint[], ${scopes.days}::date[]) AS u(t, i, d)
      WHERE r.tenant_id = u.t AND r.id = u.i AND r.last_span_day < u.d`,
    tx`
      INSERT INTO scopes (tenant_id, id, name, version, attributes, dropped_attributes_count, schema_url, last_span_day)
      SELECT t, i, nm, v, a::jsonb, n, s, d
      FROM unnest(${scopes.tenantIds}::text[], ${scopes.ids}::bigint[], ${scopes.rows.map((r) => r.name)}::text[], ${scopes.rows.map((r) => r.version)}::text[],
                  ${scopes.rows.map((r) => JSON.stringify(r.attributes))}::text[], ${scopes.rows.map((r) => r.droppedAttributesCount)}::integer[],
                  ${scopes.rows.map((r) => r.schemaUrl)}::text[], ${scopes.days}::date[])
        AS u(t, i, nm, v, a, n, s, d)
      ON CONFLICT (tenant_id, id) DO NOTHING`,
  ]);
}

/** The request's counters and isolation violations, in the same transaction as its records. */
export async function recordOutcome(tx: TransactionSql, counted: TenantCounters, violations: readonly IsolationViolation[], key: KeyScope, now: Date): Promise<void> {
  const day = now.toISOString().slice(0, 10);
  const { tenantIds, counters, values } = counted.columns();
  const v = violations;
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

/** A `COPY … FROM STDIN` statement and the rows it sends, as COPY text in chunks, each sent as it is. */
export interface CopyOf {
  statement: string;
  rows: () => Iterable<string>;
}

/**
 * The COPYs, queued behind `statements` (already issued on the transaction's one connection,
 * which the first COPY's start waits for: one round trip), then those statements' outcome.
 * When anything fails, the first statement that failed says why: a COPY behind it only sees
 * an aborted transaction.
 */
export async function copyBehind(tx: TransactionSql, statements: readonly Promise<unknown>[], copies: Iterable<CopyOf>): Promise<void> {
  // Rejections are awaited below; until then they must not count as unhandled.
  for (const s of statements) s.catch(() => {});
  try {
    for (const { statement, rows } of copies) {
      const copy = await CopyWriter.open(tx, statement);
      try {
        for (const chunk of rows()) await copy.send(chunk);
        await copy.end();
      } catch (error) {
        copy.abort(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
    }
  } catch (error) {
    const failed = (await Promise.allSettled(statements)).find((r) => r.status === "rejected");
    throw failed ? failed.reason : error;
  }
  await Promise.all(statements);
}
