"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { traceLogsUrl, type LogLine, type LogPage, type TraceLogsFilter } from "@/lib/waterfall/trace-logs";

/**
 * The trace's logs with these filters, a page at a time by time (`more()` asks for the next).
 * The waterfall turns it on only once its spans are in, so the logs never hold up the first paint.
 */
export function useTraceLogs(traceId: string, tenant: string, filter: TraceLogsFilter, enabled = true) {
  const query = useInfiniteQuery({
    queryKey: ["trace-logs", traceId, tenant, filter.severity ?? "", filter.q ?? "", filter.span ?? ""],
    enabled,
    staleTime: Infinity,
    initialPageParam: null as string | null,
    getNextPageParam: (last: LogPage) => last.next,
    queryFn: async ({ pageParam, signal }) => {
      const response = await fetch(traceLogsUrl(traceId, tenant, filter, pageParam), { signal });
      if (!response.ok) throw new Error(((await response.json().catch(() => ({}))) as { error?: string }).error ?? `the server answered ${response.status}`);
      return (await response.json()) as LogPage;
    },
  });
  // Kept while the pages are, so the markers built from it (and the memoized rows) keep theirs.
  const pages = query.data?.pages;
  const lines = useMemo<LogLine[]>(() => pages?.flatMap((p) => p.lines) ?? [], [pages]);
  return {
    lines,
    loading: query.isPending && enabled,
    error: query.isError ? query.error.message : null,
    hasMore: query.hasNextPage,
    loadingMore: query.isFetchingNextPage,
    more: () => void query.fetchNextPage(),
  };
}
