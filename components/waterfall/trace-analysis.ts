"use client";

import { useEffect, useState } from "react";
import { analyseTrace, type AnalysisInput, type TraceAnalysis } from "@/lib/waterfall/trace-analysis";
import type { TraceModel } from "@/lib/waterfall/trace-model";

/**
 * The critical path, computed in a worker once the model is built (in the page, after the
 * first paint, where workers are unavailable). Null until it is ready.
 */
export function useTraceAnalysis(model: TraceModel): TraceAnalysis | null {
  const [result, setResult] = useState<{ model: TraceModel; analysis: TraceAnalysis } | null>(null);
  useEffect(() => {
    const input: AnalysisInput = { parent: model.parent, start: model.start, duration: model.duration, service: model.service, services: model.services, links: model.links };
    let worker: Worker | null = null;
    try {
      worker = new Worker(new URL("./trace-analysis.worker.ts", import.meta.url), { type: "module" });
    } catch {
      const timer = setTimeout(() => setResult({ model, analysis: analyseTrace(input) }), 50);
      return () => clearTimeout(timer);
    }
    worker.onmessage = (event: MessageEvent<TraceAnalysis>) => setResult({ model, analysis: event.data });
    worker.postMessage(input);
    return () => worker.terminate();
  }, [model]);
  return result && result.model === model ? result.analysis : null;
}
