"use client";

import { createContext, useContext } from "react";
import { formatInstant, UTC, type Precision } from "@/lib/format/time";
import type { TimeZoneSetting } from "@/lib/preferences/preferences";

const TimeZoneContext = createContext<TimeZoneSetting>({ mode: "utc", zone: UTC, browserZone: null });

/** Hands the viewer's zone (read from the cookie on the server) to every time below it. */
export function TimeZoneProvider({ setting, children }: { setting: TimeZoneSetting; children: React.ReactNode }) {
  return <TimeZoneContext.Provider value={setting}>{children}</TimeZoneContext.Provider>;
}

/** The zone every time on the page is shown in. */
export function useTimeZone(): TimeZoneSetting {
  return useContext(TimeZoneContext);
}

/**
 * An instant in the viewer's zone, labelled ("14:03:21 UTC", "15:03:21 (UTC+01:00)"), with the
 * exact UTC instant on hover. Server and browser render the same text: both know the zone.
 */
export function Time({ at, precision = "second", className }: { at: Date | string; precision?: Precision; className?: string }) {
  const { zone } = useTimeZone();
  const iso = typeof at === "string" ? at : at.toISOString();
  return (
    <time dateTime={iso} title={formatInstant(iso, UTC, "millisecond")} className={className}>
      {formatInstant(iso, zone, precision)}
    </time>
  );
}
