import "server-only";
import type { TransactionSql } from "postgres";
import { describeDatabaseError } from "@/db/errors";
import type { SignalDeps } from "../otlp-http/signal";
import type { JoinedTraces, NewSpans, SpanDerivation } from "../traces/derivation";
import { epochNs } from "../traces/sql-time";
import { RollupFolder } from "./rollup-folder";
import { foldServiceMapDeltas } from "./service-map";
import { SpanKeys, spanKey, storedChildrenSql, storedSpansSql } from "./span-keys";
import { callerOf, isEntry, OWN_ROW, ServiceMapDelta, type MapSpan } from "./service-map-delta";

/** Stored parents of the request's spans, by their full keys. */
const STORED_PARENTS = storedSpansSql("p.tenant_id, p.trace_id::text, p.span_id::text, p.service");

/** Stored children of the request's spans, by the parent's full key: the callees that arrived first. */
const STORED_CHILDREN = storedChildrenSql(`
  c.tenant_id, c.trace_id::text, c.span_id::text, c.parent_span_id::text, c.service, c.kind,
  ${epochNs("c.start_time")}::text AS start_ns, c.duration_ns::text, c.status_code, c.attributes`);

const INSERT_DELTA = `
  INSERT INTO service_map_delta (tenant_id, minute, caller, service, call_count, error_count, duration_sum_ns,
                                 weighted_count, weighted_errors, weighted_duration_ns, buckets, weights)
  SELECT tenant_id, minute, caller, service, call_count, error_count, duration_sum_ns,
         weighted_count, weighted_errors, weighted_duration_ns, buckets::smallint[], weights::float8[]
  FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[],
              $8::float8[], $9::float8[], $10::float8[], $11::text[], $12::text[])
    AS u(tenant_id, minute, caller, service, call_count, error_count, duration_sum_ns,
         weighted_count, weighted_errors, weighted_duration_ns, buckets, weights)`;

interface StoredParent {
  tenant_id: string;
  trace_id: string;
  span_id: string;
  service: string;
}

interface StoredChild {
  tenant_id: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  service: string;
  kind: number;
  start_ns: string;
  duration_ns: string;
  status_code: number;
  attributes: MapSpan["attributes"];
}

/**
 * The service map: each new span's entry row, and each parent → child pair across services
 * counted once, when the later of the two is stored (in this request or an earlier one, in
 * either order). Written to `service_map_delta`, insert-only; the folder merges it after the commit.
 */
export function serviceMapDerivation({ sql, config, log }: SignalDeps): SpanDerivation {
  const folder = new RollupFolder(
    sql,
    config.rollupFoldIntervalMs,
    (error) => log.warn({ error: describeDatabaseError(error) }, "ingest: folding the service map failed; the next fold retries"),
    foldServiceMapDeltas,
  );
  return {
    start() {
      const parents = new Map<string, string>();
      const children: StoredChild[] = [];
      return {
        lookup: async (tx, joined) => {
          const found = await lookupRelatives(tx, joined);
          for (const p of found.parents) parents.set(spanKey(p.tenant_id, p.trace_id, p.span_id), p.service);
          children.push(...found.children);
        },
        write(tx: TransactionSql, spans: NewSpans) {
          const d = mapOf(spans, parents, children).columns();
          if (d.tenantIds.length === 0) return Promise.resolve();
          return tx.unsafe(INSERT_DELTA, [
            d.tenantIds, d.minutes, d.callers, d.services, d.calls, d.errors, d.durationNs, d.weighted, d.weightedErrors,
            d.weightedDurationNs, d.buckets, d.weights,
          ], { prepare: true });
        },
      };
    },
    committed: () => folder.notify(),
  };
}

/** In the joined stored traces (rows, and segments of sealed ones): parents of the request's spans not in it, and stored children of its spans. */
async function lookupRelatives(tx: TransactionSql, { accepted, joins, sealed }: JoinedTraces): Promise<{ parents: readonly StoredParent[]; children: readonly StoredChild[] }> {
  const inRequest = new Set<string>();
  for (const { tenantId, span } of accepted) inRequest.add(spanKey(tenantId, span.traceId, span.spanId));
  const parents = new SpanKeys();
  const joinedSpans = new SpanKeys();
  for (const { tenantId, span } of accepted) {
    if (!joins(tenantId, span.traceId)) continue;
    joinedSpans.add(tenantId, span.traceId, span.spanId);
    if (span.parentSpanId && !inRequest.has(spanKey(tenantId, span.traceId, span.parentSpanId))) parents.add(tenantId, span.traceId, span.parentSpanId);
  }
  const [parentRows, childRows, sealedParents, sealedChildren] = await Promise.all([
    parents.size > 0 ? tx.unsafe<StoredParent[]>(STORED_PARENTS, parents.columns(), { prepare: true }) : [],
    joinedSpans.size > 0 ? tx.unsafe<StoredChild[]>(STORED_CHILDREN, joinedSpans.columns(), { prepare: true }) : [],
    sealed.find(parents.refs(), "span"),
    sealed.find(joinedSpans.refs(), "parent"),
  ]);
  // Rows and segments never hold the same span (sealed.find drops those a row shadows).
  return {
    parents: [...parentRows, ...sealedParents.map(({ tenantId, traceId, span: s }) => ({ tenant_id: tenantId, trace_id: traceId, span_id: s.spanId.toString(), service: s.service }))],
    children: [
      ...childRows,
      ...sealedChildren.map(({ tenantId, traceId, span: s }) => ({
        tenant_id: tenantId, trace_id: traceId, span_id: s.spanId.toString(), parent_span_id: s.parentSpanId!.toString(), service: s.service,
        kind: s.kind, start_ns: (s.startUs * 1000n).toString(), duration_ns: s.durationNs.toString(), status_code: s.statusCode,
        attributes: s.attributes as MapSpan["attributes"],
      })),
    ],
  };
}

/**
 * The map rows the new spans add: their entry rows; the edges of new children whose parent is
 * stored (now or before); and the edges of stored children whose parent is new.
 */
function mapOf({ fresh, accepted, traceWeight }: NewSpans, storedParents: ReadonlyMap<string, string>, storedChildren: readonly StoredChild[]): ServiceMapDelta {
  const delta = new ServiceMapDelta();
  const services = new Map(storedParents);
  for (const { tenantId, span } of accepted) services.set(spanKey(tenantId, span.traceId, span.spanId), span.service);
  const freshServices = new Map<string, string>();
  for (const { tenantId, span } of fresh) freshServices.set(spanKey(tenantId, span.traceId, span.spanId), span.service);

  for (const { tenantId, span } of fresh) {
    const weight = traceWeight(tenantId, span.traceId);
    if (isEntry(span)) delta.add(tenantId, OWN_ROW, span, weight);
    const parentService = span.parentSpanId ? services.get(spanKey(tenantId, span.traceId, span.parentSpanId)) : undefined;
    const caller = parentService === undefined ? null : callerOf(parentService, span);
    if (caller !== null) delta.add(tenantId, caller, span, weight);
  }
  for (const c of storedChildren) {
    // A child stored before whose parent this transaction stores; one it stores itself was counted above.
    if (freshServices.has(spanKey(c.tenant_id, c.trace_id, c.span_id))) continue;
    const parentService = freshServices.get(spanKey(c.tenant_id, c.trace_id, c.parent_span_id));
    const child: MapSpan = {
      service: c.service, parentSpanId: c.parent_span_id, kind: c.kind, startNs: BigInt(c.start_ns),
      durationNs: BigInt(c.duration_ns), statusCode: c.status_code, attributes: c.attributes,
    };
    const caller = parentService === undefined ? null : callerOf(parentService, child);
    if (caller !== null) delta.add(c.tenant_id, caller, child, traceWeight(c.tenant_id, c.trace_id));
  }
  return delta;
}
