import "server-only";
import type { TransactionSql } from "postgres";
import { describeDatabaseError } from "@/db/errors";
import type { SignalDeps } from "../otlp-http/signal";
import type { JoinedTraces, NewSpans, SpanDerivation } from "../traces/derivation";
import type { AcceptedSpan } from "../traces/enforce-tenant";
import { SpanKind } from "@/db/span-codec/kind-and-status";
import { isFirstAttempt } from "../traces/span-facts";
import { epochNs } from "../traces/sql-time";
import { queueWaitNs, RollupDelta, type RollupSpan } from "./rollup-delta";
import { RollupFolder } from "./rollup-folder";
import { SpanKeys, spanKey, storedChildrenSql, storedSpansSql } from "./span-keys";

/** Stored producers among the parents of the request's first attempts, by full key ($1 tenant, $2 trace, $3 span id). */
const STORED_PRODUCERS = storedSpansSql(
  `p.tenant_id, p.trace_id::text, p.span_id::text, ${epochNs("p.start_time")}::text AS start_ns, p.duration_ns::text`,
  `p.kind = ${SpanKind.Producer}`,
);

/** Stored job runs whose parent is one of the request's producers, by the producer's full key. */
const STORED_CONSUMERS = storedChildrenSql(
  `c.tenant_id, c.trace_id::text, c.span_id::text, c.parent_span_id::text, c.service, c.name, c.kind,
   ${epochNs("c.start_time")}::text AS start_ns, c.duration_ns::text, c.status_code, c.attributes`,
  `c.kind = ${SpanKind.Consumer} AND c.attributes ? 'job.name'`,
);

/** The transaction's rollup rows (rollup-delta.ts), for the folder to merge. */
const INSERT_ROLLUP_DELTA = `
  INSERT INTO span_rollup_delta (tenant_id, minute, service, operation, kind, job_name, span_count, error_count, retry_count,
                                 duration_sum_ns, weighted_count, weighted_errors, weighted_retries, weighted_duration_ns,
                                 buckets, weights, wait_count, wait_sum_ns, wait_weighted, wait_buckets, wait_weights)
  SELECT tenant_id, minute, service, operation, kind, job_name, span_count, error_count, retry_count,
         duration_sum_ns, weighted_count, weighted_errors, weighted_retries, weighted_duration_ns,
         buckets::smallint[], weights::float8[], wait_count, wait_sum_ns, wait_weighted, wait_buckets::smallint[], wait_weights::float8[]
  FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::smallint[], $6::text[], $7::bigint[], $8::bigint[],
              $9::bigint[], $10::bigint[], $11::float8[], $12::float8[], $13::float8[], $14::float8[], $15::text[], $16::text[],
              $17::bigint[], $18::bigint[], $19::float8[], $20::text[], $21::text[])
    AS u(tenant_id, minute, service, operation, kind, job_name, span_count, error_count, retry_count,
         duration_sum_ns, weighted_count, weighted_errors, weighted_retries, weighted_duration_ns,
         buckets, weights, wait_count, wait_sum_ns, wait_weighted, wait_buckets, wait_weights)`;

interface StoredProducer {
  tenant_id: string;
  trace_id: string;
  span_id: string;
  start_ns: string;
  duration_ns: string;
}

interface StoredConsumer {
  tenant_id: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  service: string;
  name: string;
  kind: number;
  start_ns: string;
  duration_ns: string;
  status_code: number;
  attributes: RollupSpan["attributes"];
}


/**
 * The latency rollup: the new spans' minute-grain rows and the queue waits that became known
 * with them, written to `span_rollup_delta`, insert-only, so concurrent requests never wait for
 * each other's rollup rows; the folder merges them into `span_rollup` after the commit.
 */
export function rollupDerivation({ sql, config, log }: SignalDeps): SpanDerivation {
  const folder = new RollupFolder(sql, config.rollupFoldIntervalMs, (error) =>
    log.warn({ error: describeDatabaseError(error) }, "ingest: folding the latency rollup failed; the next fold retries"),
  );
  return {
    start() {
      const producers = new Map<string, StoredProducer>();
      const consumers: StoredConsumer[] = [];
      return {
        lookup: async (tx, joined) => {
          const found = await lookupQueueEnds(tx, joined);
          for (const p of found.producers) producers.set(spanKey(p.tenant_id, p.trace_id, p.span_id), p);
          consumers.push(...found.consumers);
        },
        write(tx: TransactionSql, spans: NewSpans) {
          const d = rollupOf(spans, producers, consumers).columns();
          return tx.unsafe(INSERT_ROLLUP_DELTA, [
            d.tenantIds, d.minutes, d.services, d.operations, d.kinds, d.jobNames, d.spans, d.errors, d.retries, d.durationNs,
            d.weighted, d.weightedErrors, d.weightedRetries, d.weightedDurationNs, d.buckets, d.weights, d.waits, d.waitNs,
            d.waitWeighted, d.waitBuckets, d.waitWeights,
          ], { prepare: true });
        },
      };
    },
    committed: () => folder.notify(),
  };
}

/** In the joined stored traces (rows, and segments of sealed ones): producers of the request's new job runs, and job runs of its new producers. */
async function lookupQueueEnds(tx: TransactionSql, { accepted, joins, sealed }: JoinedTraces): Promise<{ producers: readonly StoredProducer[]; consumers: readonly StoredConsumer[] }> {
  const inRequest = new Set<string>();
  for (const { tenantId, span } of accepted) inRequest.add(spanKey(tenantId, span.traceId, span.spanId));
  const producers = new SpanKeys();
  const parents = new SpanKeys();
  for (const { tenantId, span } of accepted) {
    if (!joins(tenantId, span.traceId)) continue;
    if (span.kind === SpanKind.Producer) producers.add(tenantId, span.traceId, span.spanId);
    if (span.parentSpanId && isFirstAttempt(span.kind, span.attributes) && !inRequest.has(spanKey(tenantId, span.traceId, span.parentSpanId))) parents.add(tenantId, span.traceId, span.parentSpanId);
  }
  const [producerRows, consumerRows, sealedProducers, sealedConsumers] = await Promise.all([
    parents.size > 0 ? tx.unsafe<StoredProducer[]>(STORED_PRODUCERS, parents.columns(), { prepare: true }) : [],
    producers.size > 0 ? tx.unsafe<StoredConsumer[]>(STORED_CONSUMERS, producers.columns(), { prepare: true }) : [],
    sealed.find(parents.refs(), "span", (s) => s.kind === SpanKind.Producer),
    sealed.find(producers.refs(), "parent", (s) => s.kind === SpanKind.Consumer && Object.hasOwn(s.attributes, "job.name")),
  ]);
  // Rows and segments never hold the same span (sealed.find drops those a row shadows).
  return {
    producers: [
      ...producerRows,
      ...sealedProducers.map(({ tenantId, traceId, span: s }) => ({
        tenant_id: tenantId, trace_id: traceId, span_id: s.spanId.toString(), start_ns: (s.startUs * 1000n).toString(), duration_ns: s.durationNs.toString(),
      })),
    ],
    consumers: [
      ...consumerRows,
      ...sealedConsumers.map(({ tenantId, traceId, span: s }) => ({
        tenant_id: tenantId, trace_id: traceId, span_id: s.spanId.toString(), parent_span_id: s.parentSpanId!.toString(), service: s.service,
        name: s.name, kind: s.kind, start_ns: (s.startUs * 1000n).toString(), duration_ns: s.durationNs.toString(), status_code: s.statusCode,
        attributes: s.attributes as RollupSpan["attributes"],
      })),
    ],
  };
}

/**
 * The rollup rows of the new spans, and the queue waits that became known with them: a new
 * first attempt whose producer is stored (now or before), or a new producer whose first
 * attempt was stored before.
 */
function rollupOf({ fresh, accepted, traceWeight }: NewSpans, storedProducers: ReadonlyMap<string, StoredProducer>, storedConsumers: readonly StoredConsumer[]): RollupDelta {
  const delta = new RollupDelta();
  for (const { tenantId, span } of fresh) delta.addSpan(tenantId, span, traceWeight(tenantId, span.traceId));

  const producers = new Map<string, { startNs: bigint; durationNs: bigint }>();
  for (const p of storedProducers.values()) producers.set(spanKey(p.tenant_id, p.trace_id, p.span_id), { startNs: BigInt(p.start_ns), durationNs: BigInt(p.duration_ns) });
  for (const { tenantId, span } of accepted) if (span.kind === SpanKind.Producer) producers.set(spanKey(tenantId, span.traceId, span.spanId), span);

  for (const { tenantId, span } of fresh) {
    if (!span.parentSpanId || !isFirstAttempt(span.kind, span.attributes)) continue;
    const producer = producers.get(spanKey(tenantId, span.traceId, span.parentSpanId));
    if (!producer) continue;
    const waitNs = queueWaitNs(span.startNs, producer.startNs, producer.durationNs);
    delta.addWait({ tenantId, consumer: span, waitNs, traceWeight: traceWeight(tenantId, span.traceId) });
  }
  const freshProducers = new Map<string, AcceptedSpan["span"]>();
  for (const { tenantId, span } of fresh) if (span.kind === SpanKind.Producer) freshProducers.set(spanKey(tenantId, span.traceId, span.spanId), span);
  for (const c of storedConsumers) {
    const producer = freshProducers.get(spanKey(c.tenant_id, c.trace_id, c.parent_span_id));
    if (!producer || !isFirstAttempt(c.kind, c.attributes)) continue;
    const consumer: RollupSpan = {
      service: c.service, name: c.name, kind: c.kind, startNs: BigInt(c.start_ns),
      durationNs: BigInt(c.duration_ns), statusCode: c.status_code, attributes: c.attributes,
    };
    delta.addWait({ tenantId: c.tenant_id, consumer, waitNs: queueWaitNs(consumer.startNs, producer.startNs, producer.durationNs), traceWeight: traceWeight(c.tenant_id, c.trace_id) });
  }
  return delta;
}
