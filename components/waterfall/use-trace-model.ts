"use client";

import { useEffect, useState } from "react";
import type { SpanPage } from "@/lib/waterfall/span-page";
import { TraceModelBuilder, type TraceModel } from "@/lib/waterfall/trace-model";

/** Spans per request: big enough that a 100,000-span trace takes ten round trips. */
const PAGE_SPANS = 10_000;

export type TraceLoad =
  | { state: "loading"; loaded: number }
  | { state: "error"; message: string }
  | { state: "ready"; model: TraceModel };

/** Fetches every page of the trace's spans, then builds the model once. */
export function useTraceModel(traceId: string, tenant: string): TraceLoad {
  const [load, setLoad] = useState<TraceLoad>({ state: "loading", loaded: 0 });
  useEffect(() => {
    const abort = new AbortController();
    (async () => {
      const builder = new TraceModelBuilder();
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams({ tenant, limit: String(PAGE_SPANS) });
        if (cursor) query.set("cursor", cursor);
        const response = await fetch(`/api/traces/${traceId}/spans?${query}`, { signal: abort.signal });
        if (!response.ok) {
          const body = (await response.json().catch(() => ({}))) as { error?: string };
          throw new Error(body.error ?? `the server answered ${response.status}`);
        }
        const page = (await response.json()) as SpanPage;
        builder.add(page);
        cursor = page.next;
        if (cursor) setLoad({ state: "loading", loaded: builder.size });
      } while (cursor);
      setLoad({ state: "ready", model: builder.build() });
    })().catch((error: unknown) => {
      if (!abort.signal.aborted) setLoad({ state: "error", message: error instanceof Error ? error.message : String(error) });
    });
    return () => abort.abort();
  }, [traceId, tenant]);
  return load;
}
