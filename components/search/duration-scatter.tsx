"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import { useUrlParams } from "@/components/filters/use-url-params";
import { formatDuration } from "@/lib/format/duration";
import { formatInstant, formatTick } from "@/lib/format/time";
import { useTimeZone } from "@/components/preferences/time-zone";
import { ZoneNote } from "@/components/preferences/zone-note";
import { traceHref } from "@/lib/traces/trace/trace-href";

export interface ScatterPoint {
  traceId: string;
  tenantId: string;
  /** Start, milliseconds since the epoch. */
  t: number;
  ms: number;
  error: boolean;
  label: string;
}

// Fixed geometry, so a dragged pixel range converts to a time window.
const MARGIN = { top: 8, right: 16, bottom: 4, left: 8 };
const Y_AXIS_WIDTH = 60;
const MIN_DRAG_PX = 6;
const OK_FILL = "#3b82f6";
const ERROR_FILL = "#dc2626";

/** One plotted trace; its id on the element lets a test (and a curious user) tell points apart. */
function Dot(props: { cx?: number; cy?: number; payload?: ScatterPoint }) {
  if (props.cx == null || props.cy == null || !props.payload) return <g />;
  const { traceId, error } = props.payload;
  return <circle cx={props.cx} cy={props.cy} r={3.5} fill={error ? ERROR_FILL : OK_FILL} data-trace-id={traceId} data-error={error || undefined} />;
}

/**
 * Duration over start time of every match (lib/traces/search/scatter.ts): errors in red; a click opens the trace, a
 * horizontal drag narrows the time window (from/to in the URL).
 */
export function DurationScatter({ points, domain }: { points: ScatterPoint[]; domain: [number, number] }) {
  const router = useRouter();
  const { zone } = useTimeZone();
  const { setParams } = useUrlParams();
  const box = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<{ start: number; end: number } | null>(null);

  const xOf = (e: React.MouseEvent) => e.clientX - (box.current?.getBoundingClientRect().left ?? 0);
  const timeAt = (px: number) => {
    const width = box.current?.getBoundingClientRect().width ?? 1;
    const left = MARGIN.left + Y_AXIS_WIDTH;
    const fraction = Math.min(1, Math.max(0, (px - left) / Math.max(1, width - left - MARGIN.right)));
    return domain[0] + fraction * (domain[1] - domain[0]);
  };
  const finish = () => {
    if (drag && Math.abs(drag.end - drag.start) >= MIN_DRAG_PX) {
      const [a, b] = [timeAt(Math.min(drag.start, drag.end)), timeAt(Math.max(drag.start, drag.end))];
      setParams({ range: null, from: new Date(Math.floor(a)).toISOString(), to: new Date(Math.ceil(b)).toISOString() });
    }
    setDrag(null);
  };

  const ok = points.filter((p) => !p.error);
  const errors = points.filter((p) => p.error);
  const open = (item: { payload?: ScatterPoint }) => {
    if (item.payload) router.push(traceHref(item.payload.traceId, item.payload.tenantId));
  };

  return (
    <div
      ref={box}
      className="relative mb-4 h-56 select-none rounded border border-zinc-200 dark:border-zinc-800"
      data-testid="duration-scatter"
      aria-label="Duration over time of every match; drag to select a time window"
      onMouseDown={(e) => setDrag({ start: xOf(e), end: xOf(e) })}
      onMouseMove={(e) => drag && setDrag({ ...drag, end: xOf(e) })}
      onMouseUp={finish}
      onMouseLeave={() => setDrag(null)}
    >
      <ResponsiveContainer width="100%" height="100%">
        <ScatterChart margin={MARGIN}>
          <CartesianGrid strokeDasharray="3 3" className="chart-grid" />
          <XAxis type="number" dataKey="t" domain={domain} tickFormatter={(ms: number) => formatTick(ms, zone)} fontSize={11} />
          <YAxis type="number" dataKey="ms" width={Y_AXIS_WIDTH} tickFormatter={(ms: number) => formatDuration(ms * 1e6)} fontSize={11} />
          <Tooltip
            cursor={false}
            content={({ payload }) => {
              const p = payload?.[0]?.payload as ScatterPoint | undefined;
              return p ? (
                <div className="rounded border border-zinc-300 bg-white px-2 py-1 text-xs shadow dark:border-zinc-700 dark:bg-zinc-900">
                  <div>{p.label}</div>
                  <div>
                    {formatDuration(p.ms * 1e6)} · {formatInstant(p.t, zone)}
                  </div>
                </div>
              ) : null;
            }}
          />
          <Scatter name="ok" data={ok} fill={OK_FILL} shape={Dot} isAnimationActive={false} onClick={open} className="cursor-pointer" />
          <Scatter name="errors" data={errors} fill={ERROR_FILL} shape={Dot} isAnimationActive={false} onClick={open} className="cursor-pointer" />
        </ScatterChart>
      </ResponsiveContainer>
      <ZoneNote className="pointer-events-none absolute top-1 right-4" />
      {drag && Math.abs(drag.end - drag.start) >= MIN_DRAG_PX && (
        <div
          className="pointer-events-none absolute top-0 bottom-0 bg-blue-500/15"
          style={{ left: Math.min(drag.start, drag.end), width: Math.abs(drag.end - drag.start) }}
        />
      )}
    </div>
  );
}
