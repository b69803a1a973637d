"use client";

import { useEffect } from "react";
import { savePreferences } from "@/lib/preferences/actions";
import { useTimeZone } from "./time-zone";

/**
 * Tells the server the browser's time zone when it does not know it yet or it changed (a
 * laptop that travelled), so server-rendered pages can show local time; the page then
 * redraws once with it. Until then, times show in UTC, labelled so.
 */
export function BrowserZoneSync() {
  const { browserZone } = useTimeZone();
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && zone !== browserZone) void savePreferences({ browserZone: zone });
  }, [browserZone]);
  return null;
}
