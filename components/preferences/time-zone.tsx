"use client";

import { createContext, useContext, useEffect, useMemo, useSyncExternalStore } from "react";
import { formatInstant, UTC, type Precision } from "@/lib/format/time";
import { PREFERENCE_COOKIES, PREFERENCE_MAX_AGE_S, timeZoneSetting, type TimeZoneSetting } from "@/lib/preferences/preferences";

const TimeZoneContext = createContext<TimeZoneSetting>({ mode: "utc", zone: UTC, browserZone: null });

const noSubscription = () => () => {};
const ownZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * Hands the viewer's zone to every time below it. The server renders with the zone the cookie
 * names; the browser then uses its own zone at once (the first visit, a laptop that travelled)
 * and writes it to the cookie for the next server render. Written here rather than by a server
 * action, because an action's cookie would re-render the page, and every page render is audited.
 */
export function TimeZoneProvider({ setting, children }: { setting: TimeZoneSetting; children: React.ReactNode }) {
  const browserZone = useSyncExternalStore(noSubscription, ownZone, () => setting.browserZone);
  useEffect(() => {
    if (!browserZone || browserZone === setting.browserZone) return;
    const secure = window.location.protocol === "https:" ? "; secure" : "";
    document.cookie = `${PREFERENCE_COOKIES.browserZone}=${browserZone}; path=/; max-age=${PREFERENCE_MAX_AGE_S}; samesite=lax${secure}`;
  }, [browserZone, setting.browserZone]);
  const value = useMemo(() => timeZoneSetting(setting.mode, browserZone), [setting.mode, browserZone]);
  return <TimeZoneContext.Provider value={value}>{children}</TimeZoneContext.Provider>;
}

/** The zone every time on the page is shown in. */
export function useTimeZone(): TimeZoneSetting {
  return useContext(TimeZoneContext);
}

/**
 * An instant in the viewer's zone, labelled ("14:03:21 UTC", "15:03:21 (UTC+01:00)"), with the
 * exact UTC instant on hover.
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
