import { ROOT_CONTEXT, SpanStatusCode, trace, type Context } from "@opentelemetry/api";
import { hrTimeToMilliseconds } from "@opentelemetry/core";
import { SamplingDecision, TraceIdRatioBasedSampler, type ReadableSpan, type Span, type SpanProcessor } from "@opentelemetry/sdk-trace";
import { ATTR_SAMPLING_RATIO, ATTR_SAMPLING_REASON, ATTR_SECURITY_OPERATION, type Priority } from "./attributes";
import { priorityFromTraceState } from "./head-sampler";

export interface TailSamplingOptions {
  /** Share of low-priority traces kept, decided by trace id so every service agrees. */
  lowPriorityRatio: number;
  /** A local trace whose root lasts longer than this is always kept. */
  slowThresholdMs: number;
  /** Priority of a trace that declares none (in `sampling.priority` or tracestate). */
  defaultPriority: Priority;
  /** Spans buffered per local trace; later ones are dropped and counted. */
  maxSpansPerTrace: number;
  /** Local traces buffered at once; beyond this the oldest is decided early. */
  maxOpenTraces: number;
  /** A local root still open after this long is decided early (a span that never ends). */
  maxTraceAgeMs: number;
}

export const defaultTailSamplingOptions: TailSamplingOptions = {
  lowPriorityRatio: 0.1,
  slowThresholdMs: 2000,
  defaultPriority: "normal",
  maxSpansPerTrace: 1000,
  maxOpenTraces: 10_000,
  maxTraceAgeMs: 5 * 60_000,
};

export type KeepReason = "error" | "security" | "slow" | "ratio";

export interface TraceFacts {
  traceId: string;
  hasError: boolean;
  isSecurity: boolean;
  /** Undefined when the trace is decided before its root ended. */
  durationMs: number | undefined;
}

export interface TailSamplingStats {
  /** Low-priority local traces buffered now. */
  openTraces: number;
  keptTraces: number;
  droppedTraces: number;
  /** Traces decided before their root ended (buffer full or root too old). */
  decidedEarly: number;
  /** Spans dropped because their trace's buffer was full. */
  overflowSpans: number;
}

/** ADR-012's rule for a low-priority trace: errors, security operations and slow requests always; the rest by ratio. */
export function decideLowPriority(facts: TraceFacts, slowThresholdMs: number, ratio: TraceIdRatioBasedSampler): KeepReason | undefined {
  if (facts.hasError) return "error";
  if (facts.isSecurity) return "security";
  if (facts.durationMs !== undefined && facts.durationMs > slowThresholdMs) return "slow";
  // The SDK's own trace-id ratio algorithm: any service using it (or this library) with the
  // same ratio keeps the same low-priority traces.
  return ratio.shouldSample(ROOT_CONTEXT, facts.traceId).decision === SamplingDecision.RECORD_AND_SAMPLED ? "ratio" : undefined;
}

// Each span carries its local trace in a symbol-keyed slot (PASS_THROUGH for normal and high
// priority): a child finds it through its parent span, and it goes away with the spans. Every
// span gets the slot, so the SDK's span objects keep a single shape. (Measured: a WeakMap costs
// several microseconds per buffered span in GC, and a slot on some spans only slows all spans.)
const SLOT = Symbol("lib-tracing.local-trace");
const PASS_THROUGH = "pass-through";
type Slot = LocalTrace | typeof PASS_THROUGH;
type Carrying = { [SLOT]?: Slot };

function slotOf(span: object | undefined): Slot | undefined {
  return (span as Carrying | undefined)?.[SLOT];
}

interface LocalTrace {
  root: Span;
  startedAt: number;
  spans: ReadableSpan[];
  hasError: boolean;
  isSecurity: boolean;
  kept: boolean | undefined;
}

/**
 * Tail sampling per ADR-012. A local trace (a local root and its in-process descendants) of
 * normal or high priority is always kept and passes straight through. A low-priority one is
 * buffered until its local root ends, then kept or dropped as a whole: kept on error, security
 * operation, slowness, or by trace-id ratio.
 *
 * Memory is bounded: at most `maxOpenTraces` buffered traces of `maxSpansPerTrace` spans. A
 * trace pushed out by that bound, or whose root outlives `maxTraceAgeMs`, is decided early on
 * what is known (errors and security so far, ratio; not duration), and its later spans follow.
 */
export class TailSamplingProcessor implements SpanProcessor {
  private readonly options: TailSamplingOptions;
  private readonly ratio: TraceIdRatioBasedSampler;
  // Insertion order is age order: the oldest open trace is always first.
  private readonly open = new Set<LocalTrace>();
  private readonly counters = { keptTraces: 0, droppedTraces: 0, decidedEarly: 0, overflowSpans: 0 };

  constructor(
    private readonly next: SpanProcessor,
    options: Partial<TailSamplingOptions> = {},
  ) {
    this.options = { ...defaultTailSamplingOptions, ...options };
    this.ratio = new TraceIdRatioBasedSampler(this.options.lowPriorityRatio);
  }

  onStart(span: Span, parentContext: Context): void {
    const parent = trace.getSpan(parentContext);
    const isLocalRoot = !parent || parent.spanContext().isRemote === true;
    let slot = isLocalRoot ? undefined : slotOf(parent);
    if (slot === undefined) {
      const priority = priorityFromTraceState(span.spanContext().traceState) ?? this.options.defaultPriority;
      if (priority !== "low") {
        slot = PASS_THROUGH;
        if (isLocalRoot) this.counters.keptTraces++;
      } else {
        this.makeRoom();
        slot = { root: span, startedAt: Date.now(), spans: [], hasError: false, isSecurity: false, kept: undefined };
        this.open.add(slot);
      }
    }
    (span as Carrying)[SLOT] = slot;
    this.next.onStart(span, parentContext);
  }

  onEnding(span: Span): void {
    const local = slotOf(span);
    if (local === undefined || local === PASS_THROUGH || local.root !== span || local.kept !== undefined) return;
    this.note(local, span);
    // The root is still writable here: record why it was kept, for ingest's sample weight.
    const reason = this.settle(local, hrTimeToMilliseconds(span.duration));
    if (reason) span.setAttribute(ATTR_SAMPLING_REASON, reason);
    if (reason === "ratio") span.setAttribute(ATTR_SAMPLING_RATIO, this.options.lowPriorityRatio);
  }

  onEnd(span: ReadableSpan): void {
    const local = slotOf(span);
    if (local === undefined || local === PASS_THROUGH) {
      this.next.onEnd(span);
      return;
    }
    const isRoot = local.root === span;
    if (isRoot && local.kept === undefined) {
      // Only when the host never called onEnding: decide now, without the reason attribute.
      this.note(local, span);
      this.settle(local, hrTimeToMilliseconds(span.duration));
    }
    if (local.kept === undefined) {
      this.note(local, span);
      if (local.spans.length < this.options.maxSpansPerTrace) local.spans.push(span);
      else this.counters.overflowSpans++;
    } else if (local.kept) {
      if (isRoot) this.flush(local);
      else this.next.onEnd(span);
    }
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  async shutdown(): Promise<void> {
    for (const local of [...this.open]) this.decideEarly(local);
    await this.next.shutdown();
  }

  stats(): TailSamplingStats {
    return { openTraces: this.open.size, ...this.counters };
  }

  private note(local: LocalTrace, span: ReadableSpan): void {
    if (span.status.code === SpanStatusCode.ERROR) local.hasError = true;
    if (span.attributes[ATTR_SECURITY_OPERATION] === true) local.isSecurity = true;
  }

  private settle(local: LocalTrace, durationMs: number | undefined): KeepReason | undefined {
    const facts = { traceId: local.root.spanContext().traceId, hasError: local.hasError, isSecurity: local.isSecurity, durationMs };
    const reason = decideLowPriority(facts, this.options.slowThresholdMs, this.ratio);
    local.kept = reason !== undefined;
    this.open.delete(local);
    if (local.kept) {
      this.counters.keptTraces++;
    } else {
      this.counters.droppedTraces++;
      local.spans = [];
    }
    return reason;
  }

  private flush(local: LocalTrace): void {
    for (const span of local.spans) this.next.onEnd(span);
    local.spans = [];
    this.next.onEnd(local.root);
  }

  private decideEarly(local: LocalTrace): void {
    this.counters.decidedEarly++;
    this.settle(local, undefined);
    for (const span of local.spans) this.next.onEnd(span);
    local.spans = [];
  }

  private makeRoom(): void {
    const now = Date.now();
    for (const oldest of this.open) {
      const tooMany = this.open.size >= this.options.maxOpenTraces;
      if (!tooMany && now - oldest.startedAt <= this.options.maxTraceAgeMs) break;
      this.decideEarly(oldest);
    }
  }
}
