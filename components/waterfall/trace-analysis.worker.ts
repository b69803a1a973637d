import { analyseTrace, type AnalysisInput } from "@/lib/waterfall/trace-analysis";

// The critical path of 100,000 spans takes the better part of a second: here it never holds up scrolling.
self.onmessage = (event: MessageEvent<AnalysisInput>) => {
  self.postMessage(analyseTrace(event.data));
};
