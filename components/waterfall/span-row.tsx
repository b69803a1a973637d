"use client";

import { memo } from "react";
import { formatDuration } from "@/lib/format/duration";
import { serviceColor } from "@/lib/waterfall/colors";
import { STATUS_ERROR } from "@/lib/waterfall/span-page";
import { labelPlacement, labelWidth } from "@/lib/waterfall/label-placement";
import { fractionOf, type ViewWindow } from "@/lib/waterfall/time-axis";
import type { TraceModel } from "@/lib/waterfall/trace-model";
import { childCount, spanIdOf } from "@/lib/waterfall/trace-model";
import { guidesFor, type Guide } from "@/lib/waterfall/tree-rows";
import type { LogMarker } from "@/lib/waterfall/trace-logs";
import { INDENT, NAME_COLUMN, ROW_HEIGHT } from "./layout";
import { LEVEL_COLOR } from "./log-entry";
import { VisibleName } from "@/components/format/visible-name";
import { escapeInvisible } from "@/lib/format/visible-text";

export interface SpanRowProps {
  model: TraceModel;
  span: number;
  top: number;
  view: ViewWindow;
  selected: boolean;
  /** 0 no match, 1 a find match, 2 the current match. */
  match: 0 | 1 | 2;
  collapsed: boolean;
  /** Critical-path stretches of this span ([start, end] pairs), when highlighted. */
  critical: number[] | undefined;
  /** Queue waits on the critical path before this span started ([start, end] pairs). */
  wait: number[] | undefined;
  /** The log lines written in this span (those loaded), at their times. */
  logs: LogMarker[] | undefined;
  /** The timeline column's width in pixels: decides where the duration label fits. */
  timelinePx: number;
  onSelect: (span: number) => void;
  onToggle: (span: number) => void;
  /** An event tick got the pointer or the focus (its element), or lost it (null). */
  onEvent: (span: number, event: number, tick: HTMLElement | null) => void;
}

/** The row's element id, which the tree names as its active descendant. */
export const spanRowId = (span: number) => `span-row-${span}`;

const pct = (f: number) => `${(f * 100).toFixed(4)}%`;

function GuideCell({ guide }: { guide: Guide }) {
  return (
    <span className="relative inline-block h-full shrink-0" style={{ width: INDENT }} aria-hidden>
      {guide !== "none" && (
        <span
          className="absolute left-1.5 top-0 border-l border-zinc-300 dark:border-zinc-700"
          style={{ height: guide === "elbow" ? "50%" : "100%" }}
        />
      )}
      {(guide === "tee" || guide === "elbow") && <span className="absolute left-1.5 top-1/2 w-2 border-t border-zinc-300 dark:border-zinc-700" />}
    </span>
  );
}

/** A row's place in the tree: the indent guides, then the expand/collapse toggle of a node with children. */
export function TreeCell({ guides, kids, collapsed, name, onToggle }: { guides: Guide[]; kids: number; collapsed: boolean; name: string; onToggle: () => void }) {
  return (
    <>
      {guides.map((g, level) => (
        <GuideCell key={level} guide={g} />
      ))}
      {kids > 0 ? (
        <button
          type="button"
          tabIndex={-1}
          aria-label={escapeInvisible(collapsed ? `Expand ${name}` : `Collapse ${name}`)}
          className="mr-0.5 w-4 shrink-0 text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100"
          onClick={(e) => {
            e.stopPropagation();
            onToggle();
          }}
        >
          {collapsed ? "▸" : "▾"}
        </button>
      ) : (
        <span className="mr-0.5 w-4 shrink-0" />
      )}
    </>
  );
}

/** One span: its name with the indent guides, and its bar on the time axis. */
export const SpanRow = memo(function SpanRow({ model, span, top, view, selected, match, collapsed, critical, wait, logs, timelinePx, onSelect, onToggle, onEvent }: SpanRowProps) {
  const kids = childCount(model, span);
  const service = model.services[model.service[span]!]!;
  const name = model.names[model.name[span]!]!;
  const error = model.status[span] === STATUS_ERROR;
  const color = serviceColor(model.service[span]!);
  const start = model.start[span]!;
  const duration = model.duration[span]!;
  const left = fractionOf(view, start);
  const width = Math.max(0, fractionOf(view, start + duration) - left);
  const label = formatDuration(Math.round(duration));
  const place = labelPlacement(left, left + width, timelinePx, labelWidth(label));
  const events = model.events.get(span);
  return (
    <div
      role="treeitem"
      id={spanRowId(span)}
      aria-level={model.depth[span]! + 1}
      aria-expanded={kids > 0 ? !collapsed : undefined}
      aria-selected={selected}
      aria-label={escapeInvisible(`${service} ${name}`)}
      data-span-id={spanIdOf(model, span)}
      data-match={match || undefined}
      className={`absolute left-0 flex w-full cursor-pointer text-xs ${
        selected ? "bg-sky-100 outline outline-1 -outline-offset-1 outline-sky-700 dark:bg-sky-900 dark:outline-sky-400" : match === 2 ? "bg-amber-200 dark:bg-amber-900" : match === 1 ? "bg-amber-50 dark:bg-amber-950/40" : "hover:bg-zinc-50 dark:hover:bg-zinc-900"
      }`}
      style={{ height: ROW_HEIGHT, transform: `translateY(${top}px)` }}
      onClick={() => onSelect(span)}
    >
      <div className="flex shrink-0 items-center overflow-hidden whitespace-nowrap pr-2" style={{ width: NAME_COLUMN }}>
        <TreeCell guides={guidesFor(model, span)} kids={kids} collapsed={collapsed} name={name} onToggle={() => onToggle(span)} />
        <span className="mr-1.5 inline-block h-2.5 w-1 shrink-0 rounded-sm" style={{ background: color }} aria-hidden />
        {/* On the selected row's tint, the greys darken (lighten in dark mode) to keep 4.5:1. */}
        <span className={`mr-1 shrink-0 ${selected ? "text-zinc-700 dark:text-zinc-300" : "text-zinc-500"}`}><VisibleName text={service} /></span>
        <span className={`truncate ${error ? "text-red-700 dark:text-red-400" : ""}`}><VisibleName text={name} /></span>
        {error && (
          <span className="ml-1 shrink-0 font-bold text-red-600" title="error status" data-testid="error-marker">
            !
          </span>
        )}
        {collapsed && <span className="ml-1 shrink-0 rounded bg-zinc-200 px-1 text-[10px] text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400">{kids}</span>}
      </div>
      <div className="relative flex-1 overflow-hidden border-l border-zinc-200 dark:border-zinc-800">
        <div
          className={`absolute top-1.5 h-3 rounded-sm ${error ? "ring-1 ring-red-600" : ""}`}
          style={{ left: pct(left), width: `max(1px, ${pct(width)})`, background: error ? "#dc2626" : color, opacity: critical ? 1 : 0.75 }}
        />
        {critical &&
          Array.from({ length: critical.length / 2 }, (_, k) => {
            const a = fractionOf(view, critical[2 * k]!);
            const b = fractionOf(view, critical[2 * k + 1]!);
            return <div key={k} className="absolute top-[18px] h-0.5 bg-zinc-900 dark:bg-white" style={{ left: pct(a), width: `max(1px, ${pct(b - a)})` }} data-testid="critical-segment" />;
          })}
        {wait &&
          Array.from({ length: wait.length / 2 }, (_, k) => {
            const a = fractionOf(view, wait[2 * k]!);
            const b = fractionOf(view, wait[2 * k + 1]!);
            return (
              <div
                key={`w${k}`}
                className="absolute top-[17px] h-0 border-t-2 border-dashed border-zinc-900 dark:border-white"
                style={{ left: pct(a), width: `max(1px, ${pct(b - a)})` }}
                title={`queue wait ${formatDuration(Math.round(wait[2 * k + 1]! - wait[2 * k]!))}`}
                data-testid="queue-wait-segment"
              />
            );
          })}
        {/* Decorative: the span's details and the logs panel list these lines as text. */}
        {logs?.map((m, k) => (
          <span
            key={`l${k}`}
            aria-hidden
            data-testid="log-marker"
            data-level={m.level ?? "none"}
            title={`${m.level ?? "log"} line at ${formatDuration(Math.max(0, Math.round(m.at - start)))} into the span`}
            className="absolute top-[8px] size-2 -translate-x-1/2 rounded-full ring-1 ring-white dark:ring-zinc-950"
            style={{ left: pct(fractionOf(view, m.at)), background: LEVEL_COLOR[m.level ?? "none"] }}
          />
        ))}
        {events?.map((t, k) => (
          <button
            key={k}
            type="button"
            aria-label={`Event ${k + 1} of ${events.length} at ${formatDuration(Math.max(0, Math.round(t - start)))} into the span`}
            data-testid="event-tick"
            className="absolute top-0.5 h-5 w-2 -translate-x-1/2 outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
            style={{ left: pct(fractionOf(view, t)) }}
            onMouseEnter={(e) => onEvent(span, k, e.currentTarget)}
            onMouseLeave={() => onEvent(span, k, null)}
            onFocus={(e) => onEvent(span, k, e.currentTarget)}
            onBlur={() => onEvent(span, k, null)}
          >
            <span className="mx-auto block h-full w-px bg-zinc-900 dark:bg-zinc-100" />
          </button>
        ))}
        <span
          data-testid="duration-label"
          data-place={place}
          className={`absolute top-1 whitespace-nowrap px-1 text-[11px] ${place === "inside" ? "font-medium text-white [text-shadow:0_0_2px_rgb(0_0_0/0.8)]" : selected ? "text-zinc-700 dark:text-zinc-200" : "text-zinc-600 dark:text-zinc-400"}`}
          style={place === "after" ? { left: pct(left + width) } : place === "before" ? { right: pct(1 - left) } : { right: pct(1 - Math.min(1, left + width)) }}
        >
          {label}
        </span>
      </div>
    </div>
  );
});
