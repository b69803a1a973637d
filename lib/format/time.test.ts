import { describe, expect, it } from "vitest";
import { formatInstant, formatTick, fromZonedInput, isKnownZone, toZonedInput, zoneLabel } from "./time";

const at = "2026-05-20T14:03:21.456Z";

describe("time formatting", () => {
  it("labels every time with its zone: UTC plainly, any other zone with its offset at that instant", () => {
    expect(formatInstant(at, "UTC")).toBe("2026-05-20 14:03:21 UTC");
    expect(formatInstant(at, "Europe/Berlin")).toBe("2026-05-20 16:03:21 (UTC+02:00)");
    expect(formatInstant("2026-01-20T14:03:21Z", "Europe/Berlin")).toBe("2026-01-20 15:03:21 (UTC+01:00)");
    expect(formatInstant(at, "Asia/Kolkata", "minute")).toBe("2026-05-20 19:33 (UTC+05:30)");
    expect(formatInstant(at, "America/New_York", "millisecond")).toBe("2026-05-20 10:03:21.456 (UTC-04:00)");
    expect(formatInstant(at, "Europe/London")).toBe("2026-05-20 15:03:21 (UTC+01:00)");
    expect(formatInstant("2026-01-20T00:00:00Z", "Europe/London")).toBe("2026-01-20 00:00:00 (UTC+00:00)");
    expect(formatInstant(at, "UTC", "millisecond")).toBe("2026-05-20 14:03:21.456 UTC");
    expect(zoneLabel("UTC", at)).toBe("UTC");
  });

  it("writes midnight as 00, never 24, and an invalid instant as a dash", () => {
    expect(formatInstant("2026-05-20T00:00:00Z", "UTC")).toBe("2026-05-20 00:00:00 UTC");
    expect(formatInstant("not a time", "UTC")).toBe("—");
  });

  it("ticks drop the year, and the time when every step is a day", () => {
    expect(formatTick(at, "UTC", 5)).toBe("05-20 14:03");
    expect(formatTick(at, "Asia/Tokyo", 1440)).toBe("05-20");
  });

  it("turns a picked wall time into the instant it means in the zone, and back", () => {
    expect(fromZonedInput("2026-05-20T16:03", "Europe/Berlin")).toBe("2026-05-20T14:03:00.000Z");
    expect(fromZonedInput("2026-05-20T16:03", "UTC")).toBe("2026-05-20T16:03:00.000Z");
    expect(toZonedInput("2026-05-20T14:03:00.000Z", "Europe/Berlin")).toBe("2026-05-20T16:03");
    expect(toZonedInput("2026-05-20T14:03:00.000Z", "UTC")).toBe("2026-05-20T14:03");
    // Either side of the October change, and the hour that does not exist in March.
    expect(fromZonedInput("2026-10-25T01:30", "Europe/Berlin")).toBe("2026-10-24T23:30:00.000Z");
    expect(fromZonedInput("2026-10-25T04:00", "Europe/Berlin")).toBe("2026-10-25T03:00:00.000Z");
    expect(fromZonedInput("2026-03-29T02:30", "Europe/Berlin")).toMatch(/^2026-03-29T0[01]:30:00.000Z$/);
  });

  it("refuses what is no wall time", () => {
    for (const bad of ["", "2026-05-20", "2026-13-01T00:00", "2026-05-20T24:00", "2026-05-20T10:60", "yesterday"]) expect(fromZonedInput(bad, "UTC")).toBeNull();
    expect(toZonedInput("garbage", "UTC")).toBe("");
  });

  it("knows real zones and rejects made-up ones", () => {
    expect(isKnownZone("Europe/Berlin")).toBe(true);
    expect(isKnownZone("UTC")).toBe(true);
    expect(isKnownZone("Mars/Olympus")).toBe(false);
  });
});

describe("nanosecond precision", () => {
  it("keeps every digit of an OTLP time, in any zone", () => {
    expect(formatInstant("2026-12-05T11:59:14.254000123Z", "UTC", "nanosecond")).toBe("2026-12-05 11:59:14.254000123 UTC");
    expect(formatInstant("2026-12-05T11:59:14.254000123Z", "Asia/Kolkata", "nanosecond")).toBe("2026-12-05 17:29:14.254000123 (UTC+05:30)");
    expect(formatInstant(new Date(Date.UTC(2026, 11, 5, 11, 59, 14, 254)), "UTC", "nanosecond")).toBe("2026-12-05 11:59:14.254000000 UTC");
  });
});
