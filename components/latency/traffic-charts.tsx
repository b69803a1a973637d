"use client";

import { useRouter } from "next/navigation";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { traceSearchHref } from "@/lib/latency/links";
import type { SeriesPoint } from "@/lib/latency/types";
import { formatInstant, formatTick } from "@/lib/format/time";
import { useTimeZone } from "@/components/preferences/time-zone";
import { ZoneNote } from "@/components/preferences/zone-note";
import { stepEnd, type LinkContext } from "./view-context";

interface Props {
  series: SeriesPoint[];
  stepMinutes: number;
  context: LinkContext;
}

const round = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(3));

/** Throughput (spans a minute) and error rate per step; a click opens that step's traces (failed ones for errors). */
export function TrafficCharts({ series, stepMinutes, context }: Props) {
  const router = useRouter();
  const { zone } = useTimeZone();
  const open = (index: unknown, errors: boolean) => {
    const point = series[Number(index)];
    if (point) router.push(traceSearchHref({ ...context, from: new Date(point.t), to: stepEnd(point.t, stepMinutes), status: errors ? "error" : undefined }));
  };
  const chart = (key: "perMinute" | "errorRate", color: string, format: (v: number) => string) => (
    <div className="h-48">
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={series} className="cursor-pointer" onClick={(e) => open(e.activeTooltipIndex, key === "errorRate")}>
        <CartesianGrid strokeDasharray="3 3" className="chart-grid" />
        <XAxis dataKey="t" tickFormatter={(t: string) => formatTick(t, zone, stepMinutes)} fontSize={11} minTickGap={24} />
        <YAxis tickFormatter={format} fontSize={11} width={56} />
        <Tooltip labelFormatter={(t) => formatInstant(String(t), zone, "minute")} formatter={(v) => format(Number(v))} />
        <Bar dataKey={key} fill={color} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
    </div>
  );
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <figure data-testid="throughput-chart">
        <figcaption className="text-xs text-zinc-500">Throughput (spans per minute) <ZoneNote className="ml-1" /></figcaption>
        {chart("perMinute", "#6366f1", round)}
      </figure>
      <figure data-testid="error-rate-chart">
        <figcaption className="text-xs text-zinc-500">Error rate <ZoneNote className="ml-1" /></figcaption>
        {chart("errorRate", "#ef4444", (v) => `${(v * 100).toFixed(1)}%`)}
      </figure>
    </div>
  );
}
