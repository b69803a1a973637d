"use client";

import { formatDuration } from "@/lib/format/duration";
import { serviceColor } from "@/lib/waterfall/colors";
import type { TraceAnalysis } from "@/lib/waterfall/trace-analysis";
import { VisibleName } from "@/components/format/visible-name";

const share = (time: number, total: number) => `${formatDuration(Math.round(time))} (${Math.round((time / Math.max(1, total)) * 100)}%)`;

/**
 * The service legend, doubling as the answer to "which service caused the latency?": each
 * service's time on the critical path, largest first, as a share of the end-to-end latency
 * (the path runs from the trace's first start to its last end, through jobs and handlers that
 * outlived the request), and the time queued between producers and consumers on that path.
 * The shares arrive from a worker after the rows are drawn: the label and each share's slot
 * take their place from the start, so the legend does not grow a line under the pointer.
 */
export function CriticalPathSummary({ services, analysis, hasConsumers }: { services: string[]; analysis: TraceAnalysis | null; hasConsumers: boolean }) {
  const onPath = new Map(analysis?.byService.map((s) => [s.service, s.time]));
  const total = (analysis?.byService.reduce((sum, s) => sum + s.time, 0) ?? 0) + (analysis?.queueWait ?? 0);
  const order = services.map((name, index) => ({ name, index, time: onPath.get(name) ?? 0 })).sort((a, b) => b.time - a.time || a.name.localeCompare(b.name));
  return (
    <div
      className="mb-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs"
      data-testid="service-legend"
      data-analysis-ms={analysis ? analysis.ms.toFixed(0) : undefined}
      aria-busy={!analysis}
    >
      <span className="text-zinc-500">Critical path by service, share of end-to-end latency:</span>
      {order.map((s) => (
        <span key={s.name} className="flex items-center gap-1" data-testid="legend-service">
          <span className="inline-block h-2.5 w-2.5 rounded-sm" style={{ background: serviceColor(s.index) }} aria-hidden />
          <span><VisibleName text={s.name} /></span>
          <span className="inline-block min-w-[13ch] text-zinc-500 tabular-nums">{analysis ? s.time > 0 && share(s.time, total) : "…"}</span>
        </span>
      ))}
      {hasConsumers && (
        <span className="flex items-center gap-1" data-testid="legend-queue-wait" title="Time on the critical path between a producer's send and its consumer's start">
          <span className="inline-block w-2.5 border-t-2 border-dashed border-zinc-700 dark:border-zinc-300" aria-hidden />
          <span>queue wait</span>
          <span className="inline-block min-w-[13ch] text-zinc-500 tabular-nums">{analysis ? share(analysis.queueWait, total) : "…"}</span>
        </span>
      )}
    </div>
  );
}
