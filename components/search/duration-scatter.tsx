"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import { useUrlParams } from "@/components/filters/use-url-params";
import { SlowVsNormalPanel } from "@/components/slow-vs-normal/slow-vs-normal-panel";
import { formatDuration } from "@/lib/format/duration";
import { niceCeiling, quantile, regionLabel, type Region } from "@/lib/slow-vs-normal/region";
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

// Fixed geometry, so a dragged pixel rectangle converts to a time span and a duration band.
const MARGIN = { top: 8, right: 16, bottom: 4, left: 8 };
const Y_AXIS_WIDTH = 60;
const X_AXIS_HEIGHT = 24;
const MIN_DRAG_PX = 6;
const OK_FILL = "#3b82f6";
const ERROR_FILL = "#dc2626";
/** The keyboard's selection: traces at or above this quantile of the plotted durations. */
const SLOWEST_QUANTILE = 0.95;

interface Drag {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** One plotted trace; its id on the element lets a test (and a curious user) tell points apart. */
function Dot(props: { cx?: number; cy?: number; payload?: ScatterPoint }) {
  if (props.cx == null || props.cy == null || !props.payload) return <g />;
  const { traceId, error } = props.payload;
  return <circle cx={props.cx} cy={props.cy} r={3.5} fill={error ? ERROR_FILL : OK_FILL} data-trace-id={traceId} data-error={error || undefined} />;
}

/**
 * Duration over start time of every match (lib/traces/search/scatter.ts): errors in red; a click opens the trace, a
 * drag selects a region and shows what sets its traces apart from the rest of the window (its time span can then
 * narrow the search). `context` is the search as a query string; null (a lookup by id) offers no comparison.
 */
export function DurationScatter({ points, domain, context }: { points: ScatterPoint[]; domain: [number, number]; context: string | null }) {
  const router = useRouter();
  const { zone } = useTimeZone();
  const { setParams } = useUrlParams();
  const box = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [selected, setSelected] = useState<{ region: Region; rect: Drag | null } | null>(null);
  const yMax = niceCeiling(Math.max(...points.map((p) => p.ms)) * 1.05);

  const at = (e: React.MouseEvent) => {
    const r = box.current?.getBoundingClientRect();
    return { x: e.clientX - (r?.left ?? 0), y: e.clientY - (r?.top ?? 0) };
  };
  const plot = () => {
    const r = box.current?.getBoundingClientRect();
    const left = MARGIN.left + Y_AXIS_WIDTH;
    const bottom = (r?.height ?? 1) - MARGIN.bottom - X_AXIS_HEIGHT;
    return { left, width: Math.max(1, (r?.width ?? 1) - left - MARGIN.right), bottom, height: Math.max(1, bottom - MARGIN.top) };
  };
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const timeAt = (px: number) => domain[0] + clamp((px - plot().left) / plot().width) * (domain[1] - domain[0]);
  const msAt = (py: number) => clamp((plot().bottom - py) / plot().height) * yMax;
  const finish = () => {
    setDrag(null);
    if (!drag) return;
    const wide = Math.abs(drag.x1 - drag.x0) >= MIN_DRAG_PX;
    const tall = Math.abs(drag.y1 - drag.y0) >= MIN_DRAG_PX;
    if (!wide && !tall) return;
    const region: Region = {};
    // A flat drag selects a time span of every duration, a narrow one a duration band of the whole window.
    if (wide) [region.from, region.to] = [timeAt(Math.min(drag.x0, drag.x1)), timeAt(Math.max(drag.x0, drag.x1))];
    if (tall) [region.minNs, region.maxNs] = [msAt(Math.max(drag.y0, drag.y1)) * 1e6, msAt(Math.min(drag.y0, drag.y1)) * 1e6];
    setSelected({ region, rect: drag });
  };
  const selectSlowest = () => setSelected({ region: { minNs: quantile(points.map((p) => p.ms), SLOWEST_QUANTILE) * 1e6 }, rect: null });

  const ok = points.filter((p) => !p.error);
  const errors = points.filter((p) => p.error);
  const open = (item: { payload?: ScatterPoint }) => {
    if (item.payload) router.push(traceHref(item.payload.traceId, item.payload.tenantId));
  };
  const shown = drag ?? selected?.rect ?? null;
  const region = selected?.region;

  return (
    <>
      <div
        ref={box}
        className="relative mb-2 h-56 select-none rounded border border-zinc-200 dark:border-zinc-800"
        data-testid="duration-scatter"
        aria-label={context ? "Duration over time of every match; drag to select a region and see what sets it apart" : "Duration over time of every match"}
        onMouseDown={(e) => context && setDrag({ x0: at(e).x, y0: at(e).y, x1: at(e).x, y1: at(e).y })}
        onMouseMove={(e) => drag && setDrag({ ...drag, x1: at(e).x, y1: at(e).y })}
        onMouseUp={finish}
        onMouseLeave={() => setDrag(null)}
      >
        <ResponsiveContainer width="100%" height="100%">
          <ScatterChart margin={MARGIN}>
            <CartesianGrid strokeDasharray="3 3" className="chart-grid" />
            <XAxis type="number" dataKey="t" domain={domain} height={X_AXIS_HEIGHT} tickFormatter={(ms: number) => formatTick(ms, zone)} fontSize={11} />
            <YAxis type="number" dataKey="ms" domain={[0, yMax]} allowDataOverflow width={Y_AXIS_WIDTH} tickFormatter={(ms: number) => formatDuration(ms * 1e6)} fontSize={11} />
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
        {shown && (Math.abs(shown.x1 - shown.x0) >= MIN_DRAG_PX || Math.abs(shown.y1 - shown.y0) >= MIN_DRAG_PX) && (
          <div
            className="pointer-events-none absolute border border-sky-600 bg-sky-500/15 dark:border-sky-400"
            data-testid="scatter-selection"
            style={
              Math.abs(shown.y1 - shown.y0) >= MIN_DRAG_PX
                ? { left: Math.min(shown.x0, shown.x1), width: Math.abs(shown.x1 - shown.x0), top: Math.min(shown.y0, shown.y1), height: Math.abs(shown.y1 - shown.y0) }
                : { left: Math.min(shown.x0, shown.x1), width: Math.abs(shown.x1 - shown.x0), top: 0, bottom: 0 }
            }
          />
        )}
      </div>
      {context && (
        <div className="mb-4">
          <button type="button" className="mb-2 text-xs underline" onClick={selectSlowest} data-testid="select-slowest">
            What sets the slowest 5 % apart?
          </button>
          {region && (
            <SlowVsNormalPanel context={context} region={region} label={regionLabel(region, zone)} onClose={() => setSelected(null)}>
              {region.from !== undefined && region.to !== undefined && (
                <button
                  type="button"
                  className="underline"
                  onClick={() => setParams({ range: null, from: new Date(Math.floor(region.from!)).toISOString(), to: new Date(Math.ceil(region.to!)).toISOString() })}
                >
                  Narrow the search to this time span
                </button>
              )}
            </SlowVsNormalPanel>
          )}
        </div>
      )}
    </>
  );
}
