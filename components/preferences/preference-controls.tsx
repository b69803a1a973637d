"use client";

import { useId, useState, useTransition } from "react";
import { zoneLabel } from "@/lib/format/time";
import { savePreferences, type PreferencePatch } from "@/lib/preferences/actions";
import { THEMES, TIME_ZONE_MODES, type Theme, type TimeZoneMode } from "@/lib/preferences/preferences";
import { useTimeZone } from "./time-zone";

const THEME_LABELS: Record<Theme, string> = { system: "System", light: "Light", dark: "Dark" };

const select = "w-full rounded border border-zinc-300 bg-white px-1.5 py-0.5 dark:border-zinc-600 dark:bg-zinc-900";

/** The user menu's time zone and theme choices; each is stored at once and the page redrawn with it. */
export function PreferenceControls({ theme }: { theme: Theme }) {
  const { mode, browserZone } = useTimeZone();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const zoneId = useId();
  const themeId = useId();
  const save = (patch: PreferencePatch) =>
    startTransition(async () => {
      const result = await savePreferences(patch);
      setError(result.error ?? null);
    });
  const zoneLabels: Record<TimeZoneMode, string> = {
    local: browserZone ? `Local: ${browserZone} (${zoneLabel(browserZone)})` : "Local",
    utc: "UTC",
  };

  return (
    <div className="mt-3 space-y-2 border-t border-zinc-200 pt-2 dark:border-zinc-700" aria-busy={pending}>
      <div>
        <label htmlFor={zoneId} className="text-xs text-zinc-600 dark:text-zinc-400">
          Time zone
        </label>
        <select id={zoneId} className={select} value={mode} onChange={(e) => save({ timeZone: e.target.value as TimeZoneMode })}>
          {TIME_ZONE_MODES.map((m) => (
            <option key={m} value={m}>
              {zoneLabels[m]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={themeId} className="text-xs text-zinc-600 dark:text-zinc-400">
          Theme
        </label>
        <select
          id={themeId}
          className={select}
          value={theme}
          onChange={(e) => {
            const next = e.target.value as Theme;
            // Shown at once; the stored cookie makes the next page load render it from the first byte.
            document.documentElement.dataset.theme = next;
            save({ theme: next });
          }}
        >
          {THEMES.map((t) => (
            <option key={t} value={t}>
              {THEME_LABELS[t]}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <p role="alert" className="text-xs text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}
