"use client";

import { useRouter } from "next/navigation";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatDuration, formatDurationTick } from "@/lib/format/duration";
import { traceSearchHref } from "@/lib/latency/links";
import type { HistogramBar } from "@/lib/latency/types";
import type { LinkContext } from "./view-context";
import { formatCount } from "@/lib/format/count";

/** Spans per latency band (each about twice the one before); a click opens the window's traces in that band. */
export function LatencyHistogram({ bars, from, to, context }: { bars: HistogramBar[]; from: string; to: string; context: LinkContext }) {
  const router = useRouter();
  const data = bars.map((b) => ({ ...b, label: formatDurationTick(b.lowerNs) }));
  const open = (index: unknown) => {
    const bar = bars[Number(index)];
    if (bar) router.push(traceSearchHref({ ...context, from: new Date(from), to: new Date(to), minNs: bar.lowerNs, maxNs: bar.upperNs }));
  };
  return (
    <figure data-testid="latency-histogram">
      <figcaption className="text-xs text-zinc-500">Latency histogram (logarithmic bands)</figcaption>
      <div className="h-56">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart
          data={data}
          className="cursor-pointer"
          onClick={(e) => open(e.activeTooltipIndex)}
        >
          <CartesianGrid strokeDasharray="3 3" className="chart-grid" />
          <XAxis dataKey="label" fontSize={11} />
          <YAxis fontSize={11} width={56} />
          <Tooltip formatter={(v) => formatCount(Number(v))} labelFormatter={(l, p) => { const b = p?.[0]?.payload as HistogramBar | undefined; return b ? `${formatDuration(b.lowerNs)} – ${formatDuration(b.upperNs)}` : String(l); }} />
          <Bar dataKey="weight" name="spans" fill="#0284c7" isAnimationActive={false} onClick={(_, index, event) => {
            // The chart's own click handler would open the same band a second time.
            event.stopPropagation();
            open(index);
          }} />
        </BarChart>
      </ResponsiveContainer>
      </div>
    </figure>
  );
}
