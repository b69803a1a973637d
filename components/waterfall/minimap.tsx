"use client";

import { useEffect, useRef, type PointerEvent, type RefObject } from "react";
import { serviceColor } from "@/lib/waterfall/colors";
import { STATUS_ERROR } from "@/lib/waterfall/span-page";
import { viewAfterKey, type ViewWindow } from "@/lib/waterfall/time-axis";
import type { TraceModel } from "@/lib/waterfall/trace-model";
import type { VisibleRows } from "@/lib/waterfall/tree-rows";
import { NAME_COLUMN } from "./layout";

const HEIGHT = 64;
const MAX_DRAWN = 8_192;

interface Props {
  model: TraceModel;
  rows: VisibleRows;
  view: ViewWindow;
  scrollRef: RefObject<HTMLDivElement | null>;
  onView: (view: ViewWindow) => void;
}

/**
 * The whole trace in one strip (x: time, y: rows) with a box for what is on screen. Dragging
 * the box scrolls the rows and pans the time window; clicking elsewhere jumps there.
 */
export function Minimap({ model, rows, view, scrollRef, onView }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const total = Math.max(1, model.end);

  // Drawn after the rows have painted (an expand shows its rows first), and at most
  // MAX_DRAWN rows evenly spread plus every error: the strip is 64 pixels tall, so more bars
  // would only overdraw the same pixels.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const draw = () => {
      const canvas = canvasRef.current;
      if (!canvas) return;
      const width = canvas.clientWidth;
      canvas.width = width;
      canvas.height = HEIGHT;
      const ctx = canvas.getContext("2d")!;
      ctx.clearRect(0, 0, width, HEIGHT);
      const perRow = HEIGHT / Math.max(1, rows.count);
      const h = Math.max(1, perRow);
      const bar = (r: number, color: string) => {
        const i = rows.span[r]!;
        ctx.fillStyle = color;
        ctx.fillRect((model.start[i]! / total) * width, r * perRow, Math.max(1, (model.duration[i]! / total) * width), h);
      };
      const stride = Math.max(1, rows.count / MAX_DRAWN);
      for (let k = 0; k < rows.count; k += stride) bar(Math.floor(k), serviceColor(model.service[rows.span[Math.floor(k)]!]!));
      for (let r = 0; r < rows.count; r++) if (model.status[rows.span[r]!] === STATUS_ERROR) bar(r, "#dc2626");
    };
    // A timeout set in the frame's callback runs after that frame is painted.
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(draw, 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [model, rows, total]);

  // The box follows scrolling without re-rendering React.
  useEffect(() => {
    const el = scrollRef.current;
    const box = boxRef.current;
    if (!el || !box) return;
    const place = () => {
      const height = Math.max(el.scrollHeight, 1);
      box.style.top = `${(el.scrollTop / height) * 100}%`;
      box.style.height = `${Math.min(1, el.clientHeight / height) * 100}%`;
    };
    place();
    el.addEventListener("scroll", place, { passive: true });
    const resize = new ResizeObserver(place);
    resize.observe(el);
    return () => {
      el.removeEventListener("scroll", place);
      resize.disconnect();
    };
  }, [scrollRef, rows]);

  const dragRef = useRef<{ x: number; y: number; view: ViewWindow; scrollTop: number } | null>(null);
  const moveTo = (e: PointerEvent<HTMLDivElement>) => {
    const el = scrollRef.current;
    const drag = dragRef.current;
    if (!el || !drag) return;
    const rect = e.currentTarget.getBoundingClientRect();
    el.scrollTop = drag.scrollTop + ((e.clientY - drag.y) / rect.height) * el.scrollHeight;
    if (drag.view.end - drag.view.start < total) {
      const width = drag.view.end - drag.view.start;
      const start = Math.min(Math.max(0, drag.view.start + ((e.clientX - drag.x) / rect.width) * total), total - width);
      onView({ start, end: start + width });
    }
  };

  return (
    <div className="flex border-b border-zinc-200 dark:border-zinc-800">
      <div className="shrink-0 overflow-hidden px-2 py-1 text-[11px] text-zinc-500" style={{ width: NAME_COLUMN }}>
        Overview: drag the box, or focus it and use the arrow keys, to move through the trace
      </div>
      <div
        className="relative flex-1 cursor-grab touch-none border-l border-zinc-200 outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:border-zinc-800"
        tabIndex={0}
        role="group"
        aria-label="Trace overview: up and down arrows, Page Up, Page Down, Home and End move through the rows; left and right arrows, + and − move and zoom the time window"
        aria-keyshortcuts="ArrowUp ArrowDown PageUp PageDown Home End ArrowLeft ArrowRight + -"
        onKeyDown={(e) => {
          const el = scrollRef.current;
          if (!el) return;
          const page = el.clientHeight;
          const rowsBy: Record<string, number> = { ArrowUp: -page / 2, ArrowDown: page / 2, PageUp: -page, PageDown: page, Home: -el.scrollHeight, End: el.scrollHeight };
          const next = viewAfterKey(e.key, view, total);
          if (e.key in rowsBy) el.scrollTop += rowsBy[e.key]!;
          else if (next) onView(next);
          else return;
          e.preventDefault();
        }}
        style={{ height: HEIGHT }}
        data-testid="minimap"
        onPointerDown={(e) => {
          const el = scrollRef.current;
          if (!el) return;
          const rect = e.currentTarget.getBoundingClientRect();
          if (e.target !== boxRef.current) {
            // Jump: centre the box where the click was.
            el.scrollTop = ((e.clientY - rect.top) / rect.height) * el.scrollHeight - el.clientHeight / 2;
          }
          e.currentTarget.setPointerCapture(e.pointerId);
          dragRef.current = { x: e.clientX, y: e.clientY, view, scrollTop: el.scrollTop };
        }}
        onPointerMove={moveTo}
        onPointerUp={() => {
          dragRef.current = null;
        }}
      >
        <canvas ref={canvasRef} className="absolute inset-0 h-full w-full opacity-80" />
        <div
          ref={boxRef}
          data-testid="minimap-viewport"
          className="absolute border border-sky-600 bg-sky-400/20"
          style={{ left: `${(view.start / total) * 100}%`, width: `${Math.max(0.5, ((view.end - view.start) / total) * 100)}%` }}
        />
      </div>
    </div>
  );
}
