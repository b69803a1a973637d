import { TraceFlags, trace, type Attributes, type Context } from "@opentelemetry/api";
import { TraceState } from "@opentelemetry/core";
import { SamplingDecision, type Sampler, type SamplingResult } from "@opentelemetry/sdk-trace";
import { ATTR_SAMPLING_PRIORITY, PRIORITIES, type Priority } from "./attributes";

/** tracestate entry carrying the trace's priority to every service and job that continues it. */
export const PRIORITY_TRACESTATE_KEY = "te-priority";

// Where a route or path may appear on a server span when it starts: ours, Next.js's, and the
// OTel HTTP conventions. The query string is not part of the route.
const PATH_ATTRIBUTES = ["http.route", "url.path", "http.target", "next.route"] as const;

// Shared, never mutated by the SDK: a sampler runs for every span, so no allocation per call.
const RECORD: SamplingResult = Object.freeze({ decision: SamplingDecision.RECORD_AND_SAMPLED });
const DROP: SamplingResult = Object.freeze({ decision: SamplingDecision.NOT_RECORD });

// A local root without an upstream tracestate gets the same fresh one for its priority every
// time: TraceState is immutable, so one per priority serves every such root.
function freshResult(priority: Priority): SamplingResult {
  return Object.freeze({ decision: SamplingDecision.RECORD_AND_SAMPLED, traceState: new TraceState().set(PRIORITY_TRACESTATE_KEY, priority) });
}
const FRESH: Readonly<Record<Priority, SamplingResult>> = { low: freshResult("low"), normal: freshResult("normal"), high: freshResult("high") };

export function isPriority(value: unknown): value is Priority {
  return typeof value === "string" && (PRIORITIES as readonly string[]).includes(value);
}

export function priorityFromTraceState(state: { get(key: string): string | undefined } | undefined): Priority | undefined {
  const value = state?.get(PRIORITY_TRACESTATE_KEY);
  return isPriority(value) ? value : undefined;
}

/**
 * The head sampler: records every span so the tail decision (tail-sampling.ts) sees whole
 * local traces, except requests to ignored paths (the explorer's own ingest route, which must
 * never trace itself). A local root that declares `sampling.priority` stamps it into tracestate.
 */
export class HeadSampler implements Sampler {
  constructor(private readonly ignoredPaths: readonly string[]) {}

  shouldSample(ctx: Context, _traceId: string, _name: string, _kind: unknown, attributes: Attributes): SamplingResult {
    const parent = trace.getSpanContext(ctx);
    if (parent && !parent.isRemote) {
      // Children follow their local root, so an ignored request stays ignored all the way down.
      return (parent.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? RECORD : DROP;
    }
    if (this.isIgnored(attributes)) return DROP;
    const priority = attributes[ATTR_SAMPLING_PRIORITY];
    if (!isPriority(priority)) return RECORD;
    const state = parent?.traceState;
    if (state === undefined) return FRESH[priority];
    return { decision: SamplingDecision.RECORD_AND_SAMPLED, traceState: state.set(PRIORITY_TRACESTATE_KEY, priority) };
  }

  toString(): string {
    return `HeadSampler{ignoring ${this.ignoredPaths.join(",")}}`;
  }

  private isIgnored(attributes: Attributes): boolean {
    for (const key of PATH_ATTRIBUTES) {
      const value = attributes[key];
      if (typeof value !== "string") continue;
      for (const path of this.ignoredPaths) if (isUnder(value, path)) return true;
    }
    return false;
  }
}

/** `value` is `path` itself, below it, or it with a query string. */
function isUnder(value: string, path: string): boolean {
  if (!value.startsWith(path)) return false;
  const next = value[path.length];
  return next === undefined || next === "/" || next === "?";
}
