"use client";

import { useQuery } from "@tanstack/react-query";
import type { SpanDetail } from "@/lib/traces/trace/trace-span";

async function fetchDetail(traceId: string, tenant: string, spanId: string): Promise<SpanDetail> {
  const response = await fetch(`/api/traces/${traceId}/spans/${spanId}?tenant=${encodeURIComponent(tenant)}`);
  if (!response.ok) throw new Error(((await response.json().catch(() => ({}))) as { error?: string }).error ?? `error ${response.status}`);
  return (await response.json()) as SpanDetail;
}

/** One span's details, fetched once and shared by the detail panel and the event popover. */
export function useSpanDetail(traceId: string, tenant: string, spanId: string) {
  return useQuery({ queryKey: ["trace-span", traceId, tenant, spanId], queryFn: () => fetchDetail(traceId, tenant, spanId), staleTime: Infinity });
}
