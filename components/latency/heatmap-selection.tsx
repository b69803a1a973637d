"use client";

import { useRef, useState } from "react";
import { useTimeZone } from "@/components/preferences/time-zone";
import { SlowVsNormalPanel } from "@/components/slow-vs-normal/slow-vs-normal-panel";
import { displayLowerNs, displayUpperNs } from "@/lib/latency/buckets";
import { regionLabel, type Region } from "@/lib/slow-vs-normal/region";

interface Cell {
  step: number;
  band: number;
}

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

function cellOf(target: EventTarget | null): Cell | null {
  const el = target instanceof Element ? target.closest<HTMLElement>("[data-step]") : null;
  return el ? { step: Number(el.dataset.step), band: Number(el.dataset.band) } : null;
}

/**
 * The heatmap's region selection: a drag across cells (a click still opens one cell's
 * traces), or Space on one cell and then on another, selects the rectangle between them and
 * shows what sets its traces apart from the rest of the window. `context` is the trace search
 * of the view's window and filters.
 */
export function HeatmapSelection({ steps, stepMinutes, context, children }: { steps: string[]; stepMinutes: number; context: string; children: React.ReactNode }) {
  const { zone } = useTimeZone();
  const root = useRef<HTMLDivElement>(null);
  const drag = useRef<{ from: Cell; moved: boolean } | null>(null);
  const [keyAnchor, setKeyAnchor] = useState<Cell | null>(null);
  const [box, setBox] = useState<Box | null>(null);
  const [region, setRegion] = useState<Region | null>(null);
  const justDragged = useRef(false);

  const boxOf = (a: Cell, b: Cell): Box | null => {
    const at = (c: Cell) => root.current?.querySelector(`[data-step="${c.step}"][data-band="${c.band}"]`)?.getBoundingClientRect();
    const [ra, rb, base] = [at(a), at(b), root.current?.getBoundingClientRect()];
    if (!ra || !rb || !base) return null;
    const left = Math.min(ra.left, rb.left) - base.left;
    const top = Math.min(ra.top, rb.top) - base.top;
    return { left, top, width: Math.max(ra.right, rb.right) - base.left - left, height: Math.max(ra.bottom, rb.bottom) - base.top - top };
  };
  const select = (a: Cell, b: Cell) => {
    const [s0, s1] = [Math.min(a.step, b.step), Math.max(a.step, b.step)];
    const [b0, b1] = [Math.min(a.band, b.band), Math.max(a.band, b.band)];
    setBox(boxOf(a, b));
    setRegion({ from: Date.parse(steps[s0]!), to: Date.parse(steps[s1]!) + stepMinutes * 60_000, minNs: displayLowerNs(b0), maxNs: displayUpperNs(b1) });
  };
  const close = () => {
    setRegion(null);
    setBox(null);
    setKeyAnchor(null);
  };

  return (
    <div
      ref={root}
      className="relative select-none"
      onPointerDown={(e) => {
        const cell = cellOf(e.target);
        if (e.button === 0 && cell) drag.current = { from: cell, moved: false };
      }}
      onPointerOver={(e) => {
        const cell = cellOf(e.target);
        const d = drag.current;
        if (!d || !cell || (!d.moved && cell.step === d.from.step && cell.band === d.from.band)) return;
        d.moved = true;
        setBox(boxOf(d.from, cell));
      }}
      onPointerUp={(e) => {
        const d = drag.current;
        drag.current = null;
        const cell = cellOf(e.target);
        if (d?.moved && cell) {
          justDragged.current = true;
          select(d.from, cell);
        }
      }}
      onClickCapture={(e) => {
        // The click that ends a drag is not a click on the cell it ends on.
        if (justDragged.current) e.preventDefault();
        justDragged.current = false;
      }}
      onKeyDown={(e) => {
        const cell = cellOf(e.target);
        if (e.key === "Escape") close();
        if (e.key !== " " || !cell) return;
        e.preventDefault();
        if (!keyAnchor) {
          setKeyAnchor(cell);
          setBox(boxOf(cell, cell));
        } else {
          setKeyAnchor(null);
          select(keyAnchor, cell);
        }
      }}
    >
      {children}
      {box && <div className="pointer-events-none absolute border-2 border-sky-600 dark:border-sky-400" style={box} data-testid="heatmap-selection" />}
      <p className="mt-1 text-[11px] text-zinc-600 dark:text-zinc-400" aria-live="polite">
        {keyAnchor ? "First corner chosen: press Space on another cell to compare the region." : "Drag across cells, or press Space on two cells, to see what sets a region apart."}
      </p>
      {region && (
        <div className="mt-2">
          <SlowVsNormalPanel context={context} region={region} label={`traces of ${regionLabel(region, zone)}`} onClose={close} />
        </div>
      )}
    </div>
  );
}
