import { describe, expect, it } from "vitest";
import { parsePreferences, PREFERENCE_COOKIES } from "./preferences";

const from = (cookies: Record<string, string>) => parsePreferences((name) => cookies[name]);

describe("preference cookies", () => {
  it("defaults to local time and the system theme; local shows UTC until the browser has said its zone", () => {
    expect(from({})).toEqual({ timeZone: { mode: "local", zone: "UTC", browserZone: null }, theme: "system" });
    expect(from({ [PREFERENCE_COOKIES.browserZone]: "Europe/Berlin" }).timeZone).toEqual({ mode: "local", zone: "Europe/Berlin", browserZone: "Europe/Berlin" });
  });

  it("shows UTC when asked, whatever the browser's zone", () => {
    const p = from({ [PREFERENCE_COOKIES.timeZone]: "utc", [PREFERENCE_COOKIES.browserZone]: "Asia/Tokyo", [PREFERENCE_COOKIES.theme]: "dark" });
    expect(p).toEqual({ timeZone: { mode: "utc", zone: "UTC", browserZone: "Asia/Tokyo" }, theme: "dark" });
  });

  it("ignores forged or broken values instead of rendering them or failing the page", () => {
    for (const zone of ["Mars/Olympus", "<script>", "Europe/Berlin\"; x", "../../etc", "a".repeat(65), ""]) {
      expect(from({ [PREFERENCE_COOKIES.browserZone]: zone }).timeZone).toEqual({ mode: "local", zone: "UTC", browserZone: null });
    }
    const p = from({ [PREFERENCE_COOKIES.timeZone]: "mars", [PREFERENCE_COOKIES.theme]: "dark\" onload=\"x" });
    expect(p.timeZone.mode).toBe("local");
    expect(p.theme).toBe("system");
  });
});
