"use client";

import { useRef, type CSSProperties, type KeyboardEvent } from "react";

interface Props {
  label: string;
  value: number;
  min: number;
  max: number;
  /** 1 when dragging right widens the pane (the name column), -1 when it narrows it (the detail panel). */
  direction: 1 | -1;
  onChange: (value: number) => void;
  /** The drag or key press is over: the moment to keep the width. */
  onCommit: () => void;
  className?: string;
  style?: CSSProperties;
}

const STEP = 16;
const BIG_STEP = 64;

/**
 * A vertical splitter (WAI-ARIA window splitter): drag it, or focus it and use the arrow keys
 * (Shift for bigger steps), Home and End.
 */
export function Splitter({ label, value, min, max, direction, onChange, onCommit, className = "", style }: Props) {
  const drag = useRef<{ x: number; value: number } | null>(null);
  const set = (v: number) => onChange(Math.min(max, Math.max(min, Math.round(v))));
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? BIG_STEP : STEP;
    const next =
      e.key === "ArrowRight" ? value + direction * step : e.key === "ArrowLeft" ? value - direction * step : e.key === "Home" ? min : e.key === "End" ? max : null;
    if (next === null) return;
    e.preventDefault();
    set(next);
    onCommit();
  };
  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={value}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      title={`${label}: drag, or focus and use ← →`}
      className={`group z-10 w-1.5 shrink-0 cursor-col-resize touch-none outline-none focus-visible:bg-sky-500 ${className}`}
      style={style}
      onPointerDown={(e) => {
        e.preventDefault();
        e.currentTarget.setPointerCapture(e.pointerId);
        drag.current = { x: e.clientX, value };
      }}
      onPointerMove={(e) => {
        if (drag.current) set(drag.current.value + direction * (e.clientX - drag.current.x));
      }}
      onPointerUp={() => {
        if (!drag.current) return;
        drag.current = null;
        onCommit();
      }}
      onKeyDown={onKeyDown}
    >
      <div className="mx-auto h-full w-px bg-zinc-200 group-hover:w-0.5 group-hover:bg-sky-500 dark:bg-zinc-800" />
    </div>
  );
}
