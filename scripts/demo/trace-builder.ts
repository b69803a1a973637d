import { SpanStatus } from "../../db/span-codec/kind-and-status";
import { hex32, spanIdDecimal } from "./span-ids";
import type { Random } from "./random";
import type { ServiceName } from "./resources";


export type Attributes = Record<string, string | number | boolean>;

/**
 * Attributes many spans share (a statement's, a Redis command's): frozen, so no span can change
 * them for the others, and the row writer serialises each such object once.
 */
export function sharedAttributes(attributes: Attributes): Attributes {
  return Object.freeze(attributes);
}

export interface DemoEvent {
  name: string;
  /** Microseconds after the trace origin. */
  at: number;
  attributes: Attributes;
}

export interface DemoSpan {
  readonly hi: number;
  readonly lo: number;
  /** The span id as signed decimal text, as the bigint column takes it. */
  readonly id: string;
  readonly parent: DemoSpan | null;
  readonly service: ServiceName;
  readonly name: string;
  readonly kind: number;
  /** Microseconds after the trace origin (whole microseconds: timestamptz precision). */
  readonly start: number;
  durationNs: number;
  status: number;
  statusMessage: string | null;
  readonly attributes: Attributes;
  events: DemoEvent[] | null;
  links: { span: DemoSpan; attributes: Attributes }[] | null;
}

export interface Failure {
  type: string;
  message: string;
  stacktrace: string;
}

/** What a scenario needs to know about the tenant it generates for. */
export interface TenantProfile {
  id: string;
  slowThresholdMs: number;
  /** Multiplies every error probability. */
  errorFactor: number;
  /** Multiplies database and downstream latencies. */
  latencyFactor: number;
}

/**
 * Collects the spans of one trace on a relative clock (microseconds from the first span);
 * the generator places the whole trace in time once its length is known.
 */
export class TraceBuilder {
  readonly spans: DemoSpan[] = [];
  readonly traceId: string;

  constructor(
    readonly rng: Random,
    readonly tenant: TenantProfile,
    readonly requestId: string | null,
  ) {
    this.traceId = hex32(rng.uint32()) + hex32(rng.uint32()) + hex32(rng.uint32()) + hex32(rng.uint32());
  }

  start(parent: DemoSpan | null, service: ServiceName, name: string, kind: number, at: number, attributes: Attributes = {}): DemoSpan {
    let hi = this.rng.uint32();
    const lo = this.rng.uint32();
    if (hi === 0 && lo === 0) hi = 1; // the all-zero id is invalid in OTel
    const span: DemoSpan = {
      hi,
      lo,
      id: spanIdDecimal(hi, lo),
      parent,
      service,
      name,
      kind,
      start: Math.round(at),
      durationNs: 1000,
      status: SpanStatus.Unset,
      statusMessage: null,
      attributes,
      events: null,
      links: null,
    };
    this.spans.push(span);
    return span;
  }

  /** Ends the span at `at` (fractional microseconds keep nanosecond precision); returns `at`. */
  end(span: DemoSpan, at: number): number {
    span.durationNs = Math.max(1000, Math.round((at - span.start) * 1000));
    return span.start + span.durationNs / 1000;
  }

  /** A span with no children: starts at `at`, lasts `durationUs`; returns its end. */
  leaf(parent: DemoSpan, service: ServiceName, name: string, kind: number, at: number, durationUs: number, attributes: Attributes = {}): number {
    const span = this.start(parent, service, name, kind, at, attributes);
    return this.end(span, span.start + durationUs);
  }

  endOf(span: DemoSpan): number {
    return span.start + span.durationNs / 1000;
  }

  /** When the last span ends, in microseconds after the trace origin. */
  lastEnd(): number {
    let last = 0;
    for (const span of this.spans) last = Math.max(last, this.endOf(span));
    return last;
  }

  /** Marks the span failed and records the exception the way OTel SDKs do. */
  fail(span: DemoSpan, failure: Failure, at: number): void {
    this.error(span, failure.message);
    this.event(span, "exception", at, {
      "exception.type": failure.type,
      "exception.message": failure.message,
      "exception.stacktrace": failure.stacktrace,
    });
  }

  /** Error status without an exception, e.g. an HTTP client span that got a 5xx. */
  error(span: DemoSpan, message: string): void {
    span.status = SpanStatus.Error;
    span.statusMessage = message;
  }

  event(span: DemoSpan, name: string, at: number, attributes: Attributes = {}): void {
    (span.events ??= []).push({ name, at: Math.round(at), attributes });
  }

  link(span: DemoSpan, target: DemoSpan, attributes: Attributes = {}): void {
    (span.links ??= []).push({ span: target, attributes });
  }

  /** Latency in microseconds around a median, scaled by the tenant's latency factor. */
  latency(medianUs: number, spread = 0.5): number {
    return this.rng.latency(medianUs * this.tenant.latencyFactor, spread);
  }

  /** A draw for an error that happens with base probability `p` (scaled per tenant). */
  fails(p: number): boolean {
    return this.rng.chance(p * this.tenant.errorFactor);
  }
}
