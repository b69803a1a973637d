"use client";

import { useState } from "react";
import { TIME_PRESET_NAMES, type TimePreset } from "@/lib/filters/time-range";
import { fromZonedInput, toZonedInput, zoneLabel } from "@/lib/format/time";
import { useTimeZone } from "@/components/preferences/time-zone";
import { useUrlParams } from "./use-url-params";

const LABELS: Record<TimePreset, string> = {
  "15m": "Last 15 minutes",
  "1h": "Last hour",
  "6h": "Last 6 hours",
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
  "14d": "Last 14 days",
  "30d": "Last 30 days",
};

/** Preset or absolute window, written to `range` or `from`/`to` in the URL. */
export function TimeRangePicker({ defaultPreset = "24h" }: { defaultPreset?: TimePreset }) {
  const { params, setParams } = useUrlParams();
  // The inputs show wall times in the viewer's chosen zone; the URL always holds UTC instants.
  const { zone } = useTimeZone();
  const absolute = params.has("from") && params.has("to");
  const [custom, setCustom] = useState(absolute);
  const [from, setFrom] = useState(toZonedInput(params.get("from"), zone));
  const [to, setTo] = useState(toZonedInput(params.get("to"), zone));
  const preset = (params.get("range") as TimePreset | null) ?? defaultPreset;
  const apply = () => {
    const f = fromZonedInput(from, zone);
    const t = fromZonedInput(to, zone);
    if (f && t) setParams({ range: null, from: f, to: t });
  };
  // Not a <form>: the picker sits inside the search page's form, and a nested form is invalid
  // HTML whose submit also reached the outer form, which then wrote the old range back.
  const onEnter = (e: React.KeyboardEvent) => {
    if (e.key !== "Enter") return;
    e.preventDefault();
    apply();
  };

  return (
    <div className="flex flex-wrap items-center gap-2">
      <label className="sr-only" htmlFor="time-range">
        Time range
      </label>
      <select
        id="time-range"
        className="rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
        value={custom ? "custom" : preset}
        onChange={(e) => {
          if (e.target.value === "custom") {
            setCustom(true);
            return;
          }
          setCustom(false);
          setParams({ range: e.target.value, from: null, to: null });
        }}
      >
        {TIME_PRESET_NAMES.map((name) => (
          <option key={name} value={name}>
            {LABELS[name]}
          </option>
        ))}
        <option value="custom">Custom range…</option>
      </select>
      {custom && (
        <div className="flex items-center gap-1" role="group" aria-label="Custom range">
          <input aria-label="From" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} onKeyDown={onEnter} className="rounded border border-zinc-300 px-1 py-0.5 dark:border-zinc-700 dark:bg-zinc-900" />
          <span>–</span>
          <input aria-label="To" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} onKeyDown={onEnter} className="rounded border border-zinc-300 px-1 py-0.5 dark:border-zinc-700 dark:bg-zinc-900" />
          <span className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="range-zone">
            {zoneLabel(zone)}
          </span>
          <button type="button" onClick={apply} className="rounded bg-zinc-800 px-2 py-0.5 text-white dark:bg-zinc-200 dark:text-zinc-900">
            Apply
          </button>
        </div>
      )}
    </div>
  );
}
