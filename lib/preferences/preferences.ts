import { z } from "zod";
import { isKnownZone, UTC, type ZoneName } from "@/lib/format/time";

/**
 * A viewer's display preferences, kept in cookies so server-rendered pages show the right
 * zone and theme in their first byte (no flash, no re-render after hydration). They change
 * only how things look, so they are plain cookies, not part of the session.
 */
export const PREFERENCE_COOKIES = {
  /** "utc" or "local". */
  timeZone: "te-time-zone",
  /** The browser's own zone, which the server cannot otherwise know; written by the browser (so not HttpOnly). */
  browserZone: "te-browser-zone",
  /** "light", "dark" or "system". */
  theme: "te-theme",
} as const;

/** A year: a preference outlives the session. */
export const PREFERENCE_MAX_AGE_S = 365 * 86_400;

export const TIME_ZONE_MODES = ["local", "utc"] as const;
export type TimeZoneMode = (typeof TIME_ZONE_MODES)[number];
export const timeZoneMode = z.enum(TIME_ZONE_MODES);

export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];
export const theme = z.enum(THEMES);

/** An IANA zone name the runtime knows; anything else (a forged cookie) is refused. */
export const browserZone = z
  .string()
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_+\-/]*$/)
  .refine(isKnownZone, "unknown time zone");

export interface TimeZoneSetting {
  mode: TimeZoneMode;
  /** The zone every time is shown in: UTC, or the browser's zone in local mode once it is known. */
  zone: ZoneName;
  /** The browser's zone as last reported, or null before the browser has said. */
  browserZone: ZoneName | null;
}

export interface Preferences {
  timeZone: TimeZoneSetting;
  theme: Theme;
}

/** The zone times show in: UTC, or in local mode the browser's zone once it is known (UTC, labelled so, until then). */
export function timeZoneSetting(mode: TimeZoneMode, zone: ZoneName | null): TimeZoneSetting {
  return { mode, zone: mode === "local" && zone ? zone : UTC, browserZone: zone };
}

/** Preferences from raw cookie values; a missing or invalid value falls back to the default (local time, system theme). */
export function parsePreferences(read: (name: string) => string | undefined): Preferences {
  const mode = timeZoneMode.catch("local").parse(read(PREFERENCE_COOKIES.timeZone));
  const zone = browserZone.nullable().catch(null).parse(read(PREFERENCE_COOKIES.browserZone) ?? null);
  return {
    timeZone: timeZoneSetting(mode, zone),
    theme: theme.catch("system").parse(read(PREFERENCE_COOKIES.theme)),
  };
}
