import { GROWTH } from "@/lib/latency/buckets";
import { SpanStatus } from "@/db/span-codec/kind-and-status";
import type { NormalizedSpan } from "../traces/normalize";
import { headSamplingWeight, isRetry, jobNameOf, storedStartNs } from "../traces/span-facts";

/**
 * The minute-grain rollup rows (db/schema-rollup.ts) of the spans one ingest transaction
 * inserted, aggregated in memory and written to `span_rollup_delta` with one INSERT; the folder
 * merges them into every grain of `span_rollup`. Mirrors the rebuild from stored spans in SQL
 * (rollup.ts), which tests hold it to.
 */

/** What the rollup reads of a span. */
export type RollupSpan = Pick<NormalizedSpan, "service" | "name" | "kind" | "startNs" | "durationNs" | "statusCode" | "attributes">;

/** A job's first attempt whose queue wait became known in this transaction. */
export interface QueueWait {
  tenantId: string;
  consumer: RollupSpan;
  waitNs: bigint;
  /** The sample weight of the consumer's trace. */
  traceWeight: number;
}

const LOG_GROWTH = Math.log(GROWTH);
const MINUTE_US = 60_000_000;

/** rollup_bucket (migration 0007): bucket b holds [1.05^b, 1.05^(b+1)) ns. */
export function rollupBucket(durationNs: bigint): number {
  return Math.floor(Math.log(Math.max(Number(durationNs), 1)) / LOG_GROWTH);
}

/** A sparse latency histogram: the re-weighted span count of each rollup bucket present. */
export class Histogram {
  private readonly weights = new Map<number, number>();

  add(bucket: number, weight: number): void {
    this.weights.set(bucket, (this.weights.get(bucket) ?? 0) + weight);
  }

  /** `{…}` array literals, buckets ascending and weights aligned. */
  literals(): [string, string] {
    const buckets = [...this.weights.keys()].sort((a, b) => a - b);
    return [`{${buckets.join(",")}}`, `{${buckets.map((b) => this.weights.get(b)).join(",")}}`];
  }
}

interface DeltaRow {
  tenantId: string;
  minute: string;
  service: string;
  operation: string;
  kind: number;
  jobName: string;
  spans: number;
  errors: number;
  retries: number;
  durationNs: bigint;
  weighted: number;
  weightedErrors: number;
  weightedRetries: number;
  weightedDurationNs: number;
  histogram: Histogram;
  waits: number;
  waitNs: bigint;
  waitWeighted: number;
  waitHistogram: Histogram;
}

/** The columns of `span_rollup_delta` for one unnest INSERT, in DELTA_COLUMNS order. */
export interface DeltaColumns {
  tenantIds: string[];
  minutes: string[];
  services: string[];
  operations: string[];
  kinds: number[];
  jobNames: string[];
  spans: number[];
  errors: number[];
  retries: number[];
  durationNs: string[];
  weighted: number[];
  weightedErrors: number[];
  weightedRetries: number[];
  weightedDurationNs: number[];
  buckets: string[];
  weights: string[];
  waits: number[];
  waitNs: string[];
  waitWeighted: number[];
  waitBuckets: string[];
  waitWeights: string[];
}

export class RollupDelta {
  private readonly rows = new Map<string, DeltaRow>();

  private row(tenantId: string, span: RollupSpan): DeltaRow {
    // Epoch microseconds are exact in a double until the year 2255.
    const us = Number(span.startNs / 1000n);
    const minuteUs = us - (us % MINUTE_US);
    const jobName = jobNameOf(span.attributes);
    const id = `${tenantId}\0${minuteUs}\0${span.service}\0${span.name}\0${span.kind}\0${jobName}`;
    let row = this.rows.get(id);
    if (!row) {
      row = {
        tenantId,
        minute: new Date(minuteUs / 1000).toISOString(),
        service: span.service,
        operation: span.name,
        kind: span.kind,
        jobName,
        spans: 0,
        errors: 0,
        retries: 0,
        durationNs: 0n,
        weighted: 0,
        weightedErrors: 0,
        weightedRetries: 0,
        weightedDurationNs: 0,
        histogram: new Histogram(),
        waits: 0,
        waitNs: 0n,
        waitWeighted: 0,
        waitHistogram: new Histogram(),
      };
      this.rows.set(id, row);
    }
    return row;
  }

  /** A span this transaction inserted, with its trace's sample weight. */
  addSpan(tenantId: string, span: RollupSpan, traceWeight: number): void {
    const weight = headSamplingWeight(span.attributes) ?? traceWeight;
    const row = this.row(tenantId, span);
    const error = span.statusCode === SpanStatus.Error;
    const retry = isRetry(span.attributes);
    row.spans++;
    row.durationNs += span.durationNs;
    row.weighted += weight;
    row.weightedDurationNs += weight * Number(span.durationNs);
    if (error) {
      row.errors++;
      row.weightedErrors += weight;
    }
    if (retry) {
      row.retries++;
      row.weightedRetries += weight;
    }
    row.histogram.add(rollupBucket(span.durationNs), weight);
  }

  addWait({ tenantId, consumer, waitNs, traceWeight }: QueueWait): void {
    const weight = headSamplingWeight(consumer.attributes) ?? traceWeight;
    const row = this.row(tenantId, consumer);
    row.waits++;
    row.waitNs += waitNs;
    row.waitWeighted += weight;
    row.waitHistogram.add(rollupBucket(waitNs), weight);
  }

  get size(): number {
    return this.rows.size;
  }

  columns(): DeltaColumns {
    const c: DeltaColumns = {
      tenantIds: [], minutes: [], services: [], operations: [], kinds: [], jobNames: [], spans: [], errors: [], retries: [],
      durationNs: [], weighted: [], weightedErrors: [], weightedRetries: [], weightedDurationNs: [], buckets: [], weights: [],
      waits: [], waitNs: [], waitWeighted: [], waitBuckets: [], waitWeights: [],
    };
    for (const r of this.rows.values()) {
      const [buckets, weights] = r.histogram.literals();
      const [waitBuckets, waitWeights] = r.waitHistogram.literals();
      c.tenantIds.push(r.tenantId);
      c.minutes.push(r.minute);
      c.services.push(r.service);
      c.operations.push(r.operation);
      c.kinds.push(r.kind);
      c.jobNames.push(r.jobName);
      c.spans.push(r.spans);
      c.errors.push(r.errors);
      c.retries.push(r.retries);
      c.durationNs.push(r.durationNs.toString());
      c.weighted.push(r.weighted);
      c.weightedErrors.push(r.weightedErrors);
      c.weightedRetries.push(r.weightedRetries);
      c.weightedDurationNs.push(r.weightedDurationNs);
      c.buckets.push(buckets);
      c.weights.push(weights);
      c.waits.push(r.waits);
      c.waitNs.push(r.waitNs.toString());
      c.waitWeighted.push(r.waitWeighted);
      c.waitBuckets.push(waitBuckets);
      c.waitWeights.push(waitWeights);
    }
    return c;
  }
}

/** The queue wait of a first attempt: enqueue (the producer's end) to the worker's start. */
export function queueWaitNs(consumerStartNs: bigint, producerStartNs: bigint, producerDurationNs: bigint): bigint {
  const wait = storedStartNs(consumerStartNs) - storedStartNs(producerStartNs) - producerDurationNs;
  return wait > 0n ? wait : 0n;
}
