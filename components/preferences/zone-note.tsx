"use client";

import { zoneLabel } from "@/lib/format/time";
import { useTimeZone } from "./time-zone";

/** "Times in UTC+01:00": the label a chart's time axis carries once instead of on every tick. */
export function ZoneNote({ className = "" }: { className?: string }) {
  const { zone } = useTimeZone();
  return (
    <span className={`text-xs text-zinc-600 dark:text-zinc-400 ${className}`} data-testid="zone-note">
      Times in {zoneLabel(zone)}
    </span>
  );
}
