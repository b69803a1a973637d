import { SpanKind, SpanStatus } from "@/db/span-codec/kind-and-status";
import type { NormalizedSpan } from "../traces/normalize";
import { headSamplingWeight } from "../traces/span-facts";
import { Histogram, rollupBucket } from "./rollup-delta";

/**
 * The minute rows of the service map (db/schema-service-map.ts) that one ingest transaction
 * adds, aggregated in memory and written to `service_map_delta` with one INSERT. Mirrors the
 * rebuild from stored spans in SQL (service-map.ts), which the property test holds it to.
 */

/** What the map reads of a span. */
export type MapSpan = Pick<NormalizedSpan, "service" | "parentSpanId" | "kind" | "startNs" | "durationNs" | "statusCode" | "attributes">;

/** The caller of a service's own row. */
export const OWN_ROW = "";

const MINUTE_US = 60_000_000;

/** A span the service handles for someone else or starts itself: what its RED numbers count. */
export function isEntry(span: Pick<MapSpan, "parentSpanId" | "kind">): boolean {
  return span.parentSpanId === null || span.kind === SpanKind.Server || span.kind === SpanKind.Consumer;
}

/** A parent → child pair crosses services: an edge of the map, from the parent's service. */
export function callerOf(parentService: string, child: Pick<MapSpan, "service">): string | null {
  return parentService !== OWN_ROW && parentService !== child.service ? parentService : null;
}

interface Row {
  tenantId: string;
  minute: string;
  caller: string;
  service: string;
  calls: number;
  errors: number;
  durationNs: bigint;
  weighted: number;
  weightedErrors: number;
  weightedDurationNs: number;
  histogram: Histogram;
}

/** The columns of `service_map_delta` for one unnest INSERT. */
export interface MapColumns {
  tenantIds: string[];
  minutes: string[];
  callers: string[];
  services: string[];
  calls: number[];
  errors: number[];
  durationNs: string[];
  weighted: number[];
  weightedErrors: number[];
  weightedDurationNs: number[];
  buckets: string[];
  weights: string[];
}

export class ServiceMapDelta {
  private readonly rows = new Map<string, Row>();

  /**
   * A span counted on its service's own row (caller OWN_ROW) or on the edge from `caller`,
   * with its trace's sample weight.
   */
  add(tenantId: string, caller: string, span: MapSpan, traceWeight: number): void {
    // Epoch microseconds are exact in a double until the year 2255.
    const us = Number(span.startNs / 1000n);
    const minuteUs = us - (us % MINUTE_US);
    const id = `${tenantId}\0${minuteUs}\0${caller}\0${span.service}`;
    let row = this.rows.get(id);
    if (!row) {
      row = {
        tenantId, minute: new Date(minuteUs / 1000).toISOString(), caller, service: span.service,
        calls: 0, errors: 0, durationNs: 0n, weighted: 0, weightedErrors: 0, weightedDurationNs: 0, histogram: new Histogram(),
      };
      this.rows.set(id, row);
    }
    const weight = headSamplingWeight(span.attributes) ?? traceWeight;
    row.calls++;
    row.durationNs += span.durationNs;
    row.weighted += weight;
    row.weightedDurationNs += weight * Number(span.durationNs);
    if (span.statusCode === SpanStatus.Error) {
      row.errors++;
      row.weightedErrors += weight;
    }
    row.histogram.add(rollupBucket(span.durationNs), weight);
  }

  get size(): number {
    return this.rows.size;
  }

  columns(): MapColumns {
    const c: MapColumns = {
      tenantIds: [], minutes: [], callers: [], services: [], calls: [], errors: [], durationNs: [], weighted: [],
      weightedErrors: [], weightedDurationNs: [], buckets: [], weights: [],
    };
    for (const r of this.rows.values()) {
      const [buckets, weights] = r.histogram.literals();
      c.tenantIds.push(r.tenantId);
      c.minutes.push(r.minute);
      c.callers.push(r.caller);
      c.services.push(r.service);
      c.calls.push(r.calls);
      c.errors.push(r.errors);
      c.durationNs.push(r.durationNs.toString());
      c.weighted.push(r.weighted);
      c.weightedErrors.push(r.weightedErrors);
      c.weightedDurationNs.push(r.weightedDurationNs);
      c.buckets.push(buckets);
      c.weights.push(weights);
    }
    return c;
  }
}
