"use client";

import { useEffect, useState } from "react";
import { criticalPath, selfTimes, type CriticalPath, type TimedSpan } from "@/lib/traces/critical-path";
import type { TraceModel } from "@/lib/waterfall/trace-model";

export interface TraceAnalysis {
  critical: CriticalPath;
  /** Critical-path stretches per span index, [start, end] pairs in ns. */
  segments: Map<number, number[]>;
  self: Map<string, number>;
}

function analyse(model: TraceModel): TraceAnalysis {
  const spans: TimedSpan[] = new Array(model.size);
  for (let i = 0; i < model.size; i++) {
    const p = model.parent[i]!;
    spans[i] = {
      id: model.ids[i]!,
      parentId: p < 0 ? null : model.ids[p]!,
      service: model.services[model.service[i]!]!,
      start: model.start[i]!,
      end: model.start[i]! + model.duration[i]!,
    };
  }
  const critical = criticalPath(spans);
  const segments = new Map<number, number[]>();
  for (const seg of critical.segments) {
    const i = model.indexOf.get(seg.id)!;
    const list = segments.get(i);
    if (list) list.push(seg.start, seg.end);
    else segments.set(i, [seg.start, seg.end]);
  }
  return { critical, segments, self: selfTimes(spans) };
}

/**
 * Critical path and self times, computed after the waterfall has painted: they are not
 * needed to start reading, and on 100,000 spans they cost a few hundred milliseconds.
 */
export function useTraceAnalysis(model: TraceModel | null): TraceAnalysis | null {
  const [result, setResult] = useState<{ model: TraceModel; analysis: TraceAnalysis } | null>(null);
  useEffect(() => {
    if (!model) return;
    const timer = setTimeout(() => setResult({ model, analysis: analyse(model) }), 50);
    return () => clearTimeout(timer);
  }, [model]);
  return result && result.model === model ? result.analysis : null;
}
