"use client";

import { useRouter } from "next/navigation";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { bucketLowerNs } from "@/lib/latency/buckets";
import { formatDuration, formatDurationTick } from "@/lib/format/duration";
import { traceSearchHref } from "@/lib/latency/links";
import type { SeriesPoint } from "@/lib/latency/types";
import { formatInstant, formatTick } from "@/lib/format/time";
import { useTimeZone } from "@/components/preferences/time-zone";
import { stepEnd, type LinkContext } from "./view-context";

// The -600 shades: at least 3:1 against both the light and the dark background (WCAG 1.4.11).
const LINES = [
  { key: "p50", color: "#0284c7" },
  { key: "p90", color: "#16a34a" },
  { key: "p95", color: "#d97706" },
  { key: "p99", color: "#dc2626" },
] as const;

// A percentile read at a bucket's middle; the search starts at that bucket's lower edge so
// the spans that made the point are included.
const lowerEdge = (ns: number) => bucketLowerNs(Math.floor(Math.log(ns) / Math.log(1.05) - 0.5));

/** p50–p99 over time; a click opens that step's traces at or above its p95. */
export function PercentileChart({ series, stepMinutes, context }: { series: SeriesPoint[]; stepMinutes: number; context: LinkContext }) {
  const router = useRouter();
  const { zone } = useTimeZone();
  return (
    <figure data-testid="percentile-chart" className="h-64">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart
          data={series}
          className="cursor-pointer"
          onClick={(e) => {
            const point = series[Number(e.activeTooltipIndex)];
            if (!point) return;
            router.push(traceSearchHref({ ...context, from: new Date(point.t), to: stepEnd(point.t, stepMinutes), minNs: point.p95 === null ? null : lowerEdge(point.p95) }));
          }}
        >
          <CartesianGrid strokeDasharray="3 3" className="chart-grid" />
          <XAxis dataKey="t" tickFormatter={(t: string) => formatTick(t, zone, stepMinutes)} fontSize={11} minTickGap={24} />
          <YAxis scale="log" domain={["auto", "auto"]} tickFormatter={(v: number) => formatDurationTick(v)} fontSize={11} width={64} allowDataOverflow />
          <Tooltip labelFormatter={(t) => formatInstant(String(t), zone, "minute")} formatter={(v) => formatDuration(Number(v))} />
          {/* Legend text in the body colour (the line colours are too light for text); the swatch keeps the line colour. */}
          <Legend formatter={(value) => <span className="text-zinc-700 dark:text-zinc-300">{value}</span>} />
          {LINES.map((l) => (
            <Line key={l.key} type="monotone" dataKey={l.key} stroke={l.color} dot={false} isAnimationActive={false} connectNulls />
          ))}
        </LineChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">Latency percentiles over time; click a point for that window&apos;s slowest traces.</figcaption>
    </figure>
  );
}
