import { criticalPath, selfTimes, type CriticalPath, type TimedSpan } from "@/lib/traces/critical-path";
import type { TraceModel } from "./trace-model";

/** What the critical-path computation needs of the model: plain columns, cheap to send to a worker. */
export type AnalysisInput = Pick<TraceModel, "parent" | "start" | "duration" | "service" | "services">;

export interface TraceAnalysis {
  /** Time on the critical path per service, largest first. */
  byService: CriticalPath["byService"];
  /** Critical-path stretches per span index, [start, end] pairs in ns. */
  segments: Map<number, number[]>;
}

/** A span's TimedSpan with its index as the id (the model's hex ids are not needed to walk the tree). */
function timed(input: AnalysisInput, i: number): TimedSpan {
  const p = input.parent[i]!;
  return {
    id: String(i),
    parentId: p < 0 ? null : String(p),
    service: input.services[input.service[i]!]!,
    start: input.start[i]!,
    end: input.start[i]! + input.duration[i]!,
  };
}

export function analyseTrace(input: AnalysisInput): TraceAnalysis {
  const spans = Array.from({ length: input.parent.length }, (_, i) => timed(input, i));
  const critical = criticalPath(spans);
  const segments = new Map<number, number[]>();
  for (const seg of critical.segments) {
    const i = Number(seg.id);
    const list = segments.get(i);
    if (list) list.push(seg.start, seg.end);
    else segments.set(i, [seg.start, seg.end]);
  }
  return { byService: critical.byService, segments };
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
