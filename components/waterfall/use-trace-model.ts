"use client";

import { useEffect, useState } from "react";
import type { SpanChunk } from "@/lib/waterfall/span-page";
import { TraceModelBuilder, type TraceModel } from "@/lib/waterfall/trace-model";

export type TraceLoad =
  | { state: "loading"; loaded: number }
  | { state: "error"; message: string }
  | { state: "ready"; model: TraceModel };

/** The span stream's URL; the page preloads exactly this, so the fetch below picks up the preloaded response. */
export function spansUrl(traceId: string, tenant: string): string {
  return `/api/traces/${traceId}/spans?${new URLSearchParams({ tenant })}`;
}

/**
 * Reads the span stream (one NDJSON chunk per line) and adds each chunk to the model as it
 * arrives, so parsing overlaps the download; the tree is built once the stream ends.
 */
export function useTraceModel(traceId: string, tenant: string): TraceLoad {
  const [load, setLoad] = useState<TraceLoad>({ state: "loading", loaded: 0 });
  useEffect(() => {
    const abort = new AbortController();
    (async () => {
      const response = await fetch(spansUrl(traceId, tenant), { signal: abort.signal });
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => ({}))) as { error?: string };
        throw new Error(body.error ?? `the server answered ${response.status}`);
      }
      const builder = new TraceModelBuilder();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let pending = "";
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        pending += value;
        let newline = pending.indexOf("\n");
        if (newline < 0) continue;
        let from = 0;
        for (; newline >= 0; newline = pending.indexOf("\n", from)) {
          builder.add(JSON.parse(pending.slice(from, newline)) as SpanChunk);
          from = newline + 1;
        }
        pending = pending.slice(from);
        setLoad({ state: "loading", loaded: builder.size });
      }
      if (pending.trim() !== "") throw new Error("the span stream ended early");
      setLoad({ state: "ready", model: builder.build() });
    })().catch((error: unknown) => {
      if (!abort.signal.aborted) setLoad({ state: "error", message: error instanceof Error ? error.message : String(error) });
    });
    return () => abort.abort();
  }, [traceId, tenant]);
  return load;
}
