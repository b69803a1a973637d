import Link from "next/link";
import { displayLowerNs, displayUpperNs } from "@/lib/latency/buckets";
import { formatCount } from "@/lib/format/count";
import { formatDuration, formatDurationTick } from "@/lib/format/duration";
import { heatmapBands, timeTicks } from "@/lib/latency/heatmap";
import { traceSearchHref, traceSearchParams } from "@/lib/latency/links";
import type { HeatmapCell } from "@/lib/latency/types";
import { formatTick, type ZoneName } from "@/lib/format/time";
import { ZoneNote } from "@/components/preferences/zone-note";
import { stepEnd, type LinkContext } from "./view-context";
import { HeatmapSelection } from "./heatmap-selection";

/**
 * Time × latency band; darker is more spans (log scale). Each cell links to its traces; a
 * region selected across cells is compared with the rest of the window (heatmap-selection.tsx).
 */
export function LatencyHeatmap({ cells, steps, stepMinutes, context, window, zone }: { cells: HeatmapCell[]; steps: string[]; stepMinutes: number; context: LinkContext; window: { from: Date; to: Date }; zone: ZoneName }) {
  if (cells.length === 0) return null;
  const bands = heatmapBands(cells);
  const byKey = new Map(cells.map((c) => [`${c.t}|${c.bucket}`, c.weight]));
  const max = Math.log1p(Math.max(...cells.map((c) => c.weight)));
  const ticks = timeTicks(steps.length);
  const columns = { gridTemplateColumns: `repeat(${steps.length}, minmax(0, 1fr))` };
  return (
    <figure data-testid="latency-heatmap">
      <figcaption className="text-xs text-zinc-500">Heatmap: time × latency band (each row doubles the one below) <ZoneNote className="ml-1" /></figcaption>
      <HeatmapSelection steps={steps} stepMinutes={stepMinutes} context={traceSearchParams({ ...context, ...window }).toString()}>
        <div className="grid grid-cols-[auto_1fr] gap-x-1 text-[10px] text-zinc-500">
          <div className="flex flex-col" data-testid="heatmap-latency-axis">
            {bands.map((b) => (
              <div key={b} className="flex h-3 items-center justify-end whitespace-nowrap">
                {formatDurationTick(displayLowerNs(b))}
              </div>
            ))}
          </div>
          <div className="grid" style={columns}>
            {bands.flatMap((b) =>
              steps.map((t, i) => {
                const weight = byKey.get(`${t}|${b}`) ?? 0;
                if (weight === 0) return <div key={`${t}|${b}`} className="h-3" data-step={i} data-band={b} />;
                const label = `${formatTick(t, zone, stepMinutes)}, ${formatDuration(displayLowerNs(b))}–${formatDuration(displayUpperNs(b))}: ${formatCount(weight)} spans`;
                return (
                  <Link
                    key={`${t}|${b}`}
                    prefetch={false}
                    href={traceSearchHref({ ...context, from: new Date(t), to: stepEnd(t, stepMinutes), minNs: displayLowerNs(b), maxNs: displayUpperNs(b) })}
                    title={label}
                    aria-label={label}
                    draggable={false}
                    data-step={i}
                    data-band={b}
                    className="block h-3 bg-orange-600 hover:outline hover:outline-1 hover:outline-zinc-900"
                    style={{ opacity: 0.15 + (0.85 * Math.log1p(weight)) / max }}
                  />
                );
              }),
            )}
          </div>
          <div />
          <div className="grid border-t border-zinc-300 pt-0.5 dark:border-zinc-700" style={columns} data-testid="heatmap-time-axis">
            {ticks.map((i) => (
              <div key={i} className="whitespace-nowrap" style={{ gridColumnStart: i + 1 }}>
                {formatTick(steps[i]!, zone, stepMinutes)}
              </div>
            ))}
          </div>
        </div>
      </HeatmapSelection>
    </figure>
  );
}
