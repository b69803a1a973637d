"use client";

import { formatDuration } from "@/lib/format/duration";
import type { CriticalPath } from "@/lib/traces/critical-path";
import { serviceColor } from "@/lib/waterfall/colors";
import { VisibleName } from "@/components/format/visible-name";

/**
 * The service legend, doubling as the answer to "which service caused the latency?": each
 * service's time on the critical path, largest first, as a share of the trace.
 */
export function CriticalPathSummary({ services, byService }: { services: string[]; byService: CriticalPath["byService"] | null }) {
  const onPath = new Map(byService?.map((s) => [s.service, s.time]));
  const total = byService?.reduce((sum, s) => sum + s.time, 0) ?? 0;
  const order = services.map((name, index) => ({ name, index, time: onPath.get(name) ?? 0 })).sort((a, b) => b.time - a.time || a.name.localeCompare(b.name));
  return (
    <div className="mb-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs" data-testid="service-legend">
      <span className="text-zinc-500">{byService ? "Critical path by service:" : "Services:"}</span>
      {order.map((s) => (
        <span key={s.name} className="flex items-center gap-1" data-testid="legend-service">
          <span className="inline-block h-2.5 w-2.5 rounded-sm" style={{ background: serviceColor(s.index) }} aria-hidden />
          <span><VisibleName text={s.name} /></span>
          {byService && s.time > 0 && (
            <span className="text-zinc-500">
              {formatDuration(Math.round(s.time))} ({Math.round((s.time / Math.max(1, total)) * 100)}%)
            </span>
          )}
        </span>
      ))}
    </div>
  );
}
