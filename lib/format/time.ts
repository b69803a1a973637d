/**
 * Every instant the explorer shows goes through here, in the viewer's chosen zone and always
 * labelled with it ("2026-05-20 14:03:21 UTC", "2026-05-20 15:03:21 (UTC+01:00)"), so no page
 * or chart shows a bare time a reader has to guess the zone of.
 */

/** An IANA zone name ("Europe/Berlin") or "UTC". */
export type ZoneName = string;

export const UTC: ZoneName = "UTC";

/** "nanosecond" keeps every digit an ISO string carries (OTLP times are nanoseconds; a Date holds milliseconds). */
export type Precision = "minute" | "second" | "millisecond" | "nanosecond";

type Instant = Date | string | number;

// Building a DateTimeFormat costs far more than using one; charts format thousands of points.
const formats = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: ZoneName, precision: Precision | "offset"): Intl.DateTimeFormat {
  const key = `${zone}|${precision}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      ...(precision === "minute" ? {} : { second: "2-digit" }),
      ...(precision === "millisecond" ? { fractionalSecondDigits: 3 } : {}),
      ...(precision === "offset" ? { timeZoneName: "longOffset" } : {}),
    });
    formats.set(key, f);
  }
  return f;
}

/** True for a zone name this runtime can format in. */
export function isKnownZone(zone: string): boolean {
  try {
    formatter(zone, "minute");
    return true;
  } catch {
    return false;
  }
}

function toDate(at: Instant): Date {
  return at instanceof Date ? at : new Date(at);
}

type Parts = Record<Intl.DateTimeFormatPartTypes, string>;

function partsOf(at: Date, zone: ZoneName, precision: Precision | "offset"): Parts {
  const parts = {} as Parts;
  for (const p of formatter(zone, precision).formatToParts(at)) parts[p.type] = p.value;
  return parts;
}

/** The zone's label at that instant: "UTC", or its offset "UTC+01:00" (offsets change with daylight saving). */
export function zoneLabel(zone: ZoneName, at: Instant = Date.now()): string {
  if (zone === UTC) return "UTC";
  const offset = partsOf(toDate(at), zone, "offset").timeZoneName; // "GMT+01:00", or "GMT" at zero
  return offset === "GMT" ? "UTC+00:00" : offset.replace("GMT", "UTC");
}

/** The label as it follows a time: "UTC" plainly, an offset in parentheses. */
function suffix(zone: ZoneName, at: Date): string {
  const label = zoneLabel(zone, at);
  return label === "UTC" ? "UTC" : `(${label})`;
}

/** "2026-05-20 14:03:21" in the zone, unlabelled: for places that show the label once (an axis title). */
export function formatWallTime(at: Instant, zone: ZoneName, precision: Precision = "second"): string {
  const d = toDate(at);
  if (Number.isNaN(d.getTime())) return "—";
  const p = partsOf(d, zone, precision === "nanosecond" ? "millisecond" : precision);
  // Offsets are whole minutes, so the digits below the second are the same in every zone.
  const fraction =
    precision === "nanosecond" ? `.${((typeof at === "string" ? /:\d{2}\.(\d+)/.exec(at)?.[1] : undefined) ?? p.fractionalSecond!).padEnd(9, "0").slice(0, 9)}` : precision === "millisecond" ? `.${p.fractionalSecond}` : "";
  const time = `${p.hour}:${p.minute}${precision === "minute" ? "" : `:${p.second}`}${fraction}`;
  return `${p.year}-${p.month}-${p.day} ${time}`;
}

/** "2026-05-20 14:03:21 UTC" or "2026-05-20 15:03:21 (UTC+01:00)". */
export function formatInstant(at: Instant, zone: ZoneName, precision: Precision = "second"): string {
  const d = toDate(at);
  if (Number.isNaN(d.getTime())) return "—";
  return `${formatWallTime(at, zone, precision)} ${suffix(zone, d)}`;
}

/** A chart tick: "05-20 14:00", or "05-20" when every step is a day or more. */
export function formatTick(at: Instant, zone: ZoneName, stepMinutes = 1): string {
  const wall = formatWallTime(at, zone, "minute");
  return stepMinutes >= 1440 ? wall.slice(5, 10) : wall.slice(5);
}

/** The zone's offset in minutes east of UTC at that instant. */
function offsetMinutes(zone: ZoneName, at: number): number {
  const p = partsOf(new Date(at), zone, "second");
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return Math.round((asUtc - Math.floor(at / 1000) * 1000) / 60_000);
}

/** The `datetime-local` value ("2026-05-20T14:03") showing the instant in the zone. */
export function toZonedInput(iso: string | null, zone: ZoneName): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return formatWallTime(d, zone, "minute").replace(" ", "T");
}

/**
 * The instant a `datetime-local` value means in the zone, as ISO, or null when it is no time.
 * A wall time skipped by a daylight-saving jump resolves to the instant after the jump.
 */
export function fromZonedInput(value: string, zone: ZoneName): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  // The offset at the wall time read as UTC is at most one transition off; a second pass settles it.
  let at = wall - offsetMinutes(zone, wall) * 60_000;
  at = wall - offsetMinutes(zone, at) * 60_000;
  return new Date(at).toISOString();
}
