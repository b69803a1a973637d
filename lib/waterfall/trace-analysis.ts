import { criticalPath, selfTimes, type CriticalPath, type TimedSpan } from "@/lib/traces/trace/critical-path";
import type { TraceModel } from "./trace-model";

/** What the critical-path computation needs of the model: plain columns, cheap to send to a worker. */
export type AnalysisInput = Pick<TraceModel, "parent" | "start" | "duration" | "service" | "services" | "links">;

export interface TraceAnalysis {
  /** Time on the critical path per service, largest first. */
  byService: CriticalPath["byService"];
  /** Time on the critical path spent queued between a producer and its consumer, ns. */
  queueWait: number;
  /** Critical-path stretches per span index, [start, end] pairs in ns. */
  segments: Map<number, number[]>;
  /** Queue waits on the critical path, per span index of the consumer that waited, [start, end] pairs in ns. */
  waits: Map<number, number[]>;
  /** How long the computation took, ms. */
  ms: number;
}

/** A span's TimedSpan with its index as the id (the model's hex ids are not needed to walk the tree). */
function timed(input: AnalysisInput, i: number): TimedSpan {
  const p = input.parent[i]!;
  const links = input.links.get(i);
  return {
    id: String(i),
    parentId: p < 0 ? null : String(p),
    service: input.services[input.service[i]!]!,
    start: input.start[i]!,
    end: input.start[i]! + input.duration[i]!,
    ...(links ? { links: links.map(String) } : {}),
  };
}

export function analyseTrace(input: AnalysisInput): TraceAnalysis {
  const started = performance.now();
  const spans = Array.from({ length: input.parent.length }, (_, i) => timed(input, i));
  const critical = criticalPath(spans);
  const segments = new Map<number, number[]>();
  const waits = new Map<number, number[]>();
  for (const seg of critical.segments) {
    const into = seg.wait ? waits : segments;
    const i = Number(seg.id);
    const list = into.get(i);
    if (list) list.push(seg.start, seg.end);
    else into.set(i, [seg.start, seg.end]);
  }
  return { byService: critical.byService, queueWait: critical.queueWait, segments, waits, ms: performance.now() - started };
}

/** One span's self time: only its direct children matter, so it is computed when the span is shown. */
export function selfTimeOf(model: TraceModel, span: number): number {
  const spans = [timed(model, span)];
  for (let c = model.childOffset[span]!; c < model.childOffset[span + 1]!; c++) {
    const child = model.childList[c]!;
    if (model.parent[child] === span) spans.push(timed(model, child));
  }
  return selfTimes(spans).get(String(span))!;
}

/** The root span's own duration (what its caller waited for), ns; null when the trace has no such span. */
export function requestLatency(model: TraceModel, rootSpanId: string | null): number | null {
  const root = rootSpanId === null ? undefined : model.indexOf.get(rootSpanId);
  return root === undefined ? null : model.duration[root]!;
}
