"use client";

import { useRef, useState, type PointerEvent } from "react";
import { formatDuration } from "@/lib/format/duration";
import { fractionOf, ticks, viewAfterKey, zoomed, type ViewWindow } from "@/lib/waterfall/time-axis";
import { NAME_COLUMN } from "./layout";

/** Time ticks over the timeline column; dragging across it zooms to the dragged range, and so do the zoom keys when it has focus. */
export function TimeRuler({ view, total, onZoom }: { view: ViewWindow; total: number; onZoom: (view: ViewWindow) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const at = (e: PointerEvent) => {
    const box = ref.current!.getBoundingClientRect();
    return Math.min(1, Math.max(0, (e.clientX - box.left) / box.width));
  };
  return (
    <div className="flex h-6 select-none border-b border-zinc-200 text-[11px] text-zinc-500 dark:border-zinc-800">
      <div className="shrink-0 truncate px-2 leading-6" style={{ width: NAME_COLUMN }}>
        Drag on the time axis to zoom (keys: + − ← → 0)
      </div>
      <div
        ref={ref}
        data-testid="time-ruler"
        className="relative flex-1 cursor-crosshair overflow-hidden border-l border-zinc-200 outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-sky-500 dark:border-zinc-800"
        tabIndex={0}
        role="group"
        aria-label="Time axis: + and − zoom, left and right arrows move, 0 shows the whole trace"
        aria-keyshortcuts="+ - ArrowLeft ArrowRight 0"
        onKeyDown={(e) => {
          const next = viewAfterKey(e.key, view, total);
          if (!next) return;
          e.preventDefault();
          onZoom(next);
        }}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          const f = at(e);
          setDrag({ from: f, to: f });
        }}
        onPointerMove={(e) => drag && setDrag({ from: drag.from, to: at(e) })}
        onPointerUp={() => {
          if (drag && Math.abs(drag.to - drag.from) > 0.005) onZoom(zoomed(view, drag.from, drag.to));
          setDrag(null);
        }}
      >
        {ticks(view).map((t) => {
          const f = fractionOf(view, t);
          // Labels near the right end hang to the left of their tick, so none runs past the timeline.
          const end = f > 0.85;
          return (
            <span
              key={t}
              data-testid="ruler-tick"
              className={`absolute top-0 h-full whitespace-nowrap leading-6 ${end ? "-translate-x-full border-r pr-1" : "border-l pl-1"} border-zinc-300 dark:border-zinc-700`}
              style={{ left: `${f * 100}%` }}
            >
              {formatDuration(Math.round(t))}
            </span>
          );
        })}
        {drag && (
          <span
            className="absolute top-0 h-full bg-sky-400/30"
            style={{ left: `${Math.min(drag.from, drag.to) * 100}%`, width: `${Math.abs(drag.to - drag.from) * 100}%` }}
          />
        )}
      </div>
    </div>
  );
}
