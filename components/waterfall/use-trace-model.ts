"use client";

import { useEffect, useState } from "react";
import { SpanStreamDecoder } from "@/lib/waterfall/span-binary-decoder";
import { TraceModelBuilder, type TraceModel } from "@/lib/waterfall/trace-model";

export type TraceLoad =
  | { state: "loading"; loaded: number }
  | { state: "error"; message: string }
  | { state: "ready"; model: TraceModel };

/** The span stream's URL; the page preloads exactly this, so the fetch below picks up the preloaded response. */
export function spansUrl(traceId: string, tenant: string): string {
  return `/api/traces/${traceId}/spans?${new URLSearchParams({ tenant, format: "binary" })}`;
}

/**
 * Reads the span stream in its binary form (lib/traces/trace/span-binary-format.ts) and adds each frame
 * to the model as it arrives, so decoding overlaps the download; the tree is built once the
 * stream ends. A stream cut short or damaged is an error, never a smaller trace. `expectedSpans`
 * (the trace summary's count) sizes the model's columns up front.
 */
export function useTraceModel(traceId: string, tenant: string, expectedSpans: number): TraceLoad {
  const [load, setLoad] = useState<TraceLoad>({ state: "loading", loaded: 0 });
  useEffect(() => {
    const abort = new AbortController();
    (async () => {
      const response = await fetch(spansUrl(traceId, tenant), { signal: abort.signal });
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => ({}))) as { error?: string };
        throw new Error(body.error ?? `the server answered ${response.status}`);
      }
      const builder = new TraceModelBuilder(expectedSpans);
      const decoder = new SpanStreamDecoder((batch) => builder.addBatch(batch));
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const before = builder.size;
        decoder.push(value);
        if (builder.size !== before) setLoad({ state: "loading", loaded: builder.size });
      }
      decoder.end();
      setLoad({ state: "ready", model: builder.build() });
    })().catch((error: unknown) => {
      if (!abort.signal.aborted) setLoad({ state: "error", message: error instanceof Error ? error.message : String(error) });
    });
    return () => abort.abort();
  }, [traceId, tenant, expectedSpans]);
  return load;
}
