import { z } from "zod";

/** Relative windows offered everywhere a time range is chosen, in milliseconds. */
export const TIME_PRESETS = {
  "15m": 15 * 60_000,
  "1h": 3_600_000,
  "6h": 6 * 3_600_000,
  "24h": 24 * 3_600_000,
  "7d": 7 * 86_400_000,
  "14d": 14 * 86_400_000,
  "30d": 30 * 86_400_000,
} as const;

export type TimePreset = keyof typeof TIME_PRESETS;
export const TIME_PRESET_NAMES = Object.keys(TIME_PRESETS) as TimePreset[];

/** No view looks further back than the longest retention ADR-010 allows. */
export const MAX_RANGE_MS = 180 * 86_400_000;

export const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** The URL form: `range=24h`, or `from` and `to` as ISO-8601 instants (absolute wins). */
export const timeRangeParams = z.object({
  range: z.enum(TIME_PRESET_NAMES as [TimePreset, ...TimePreset[]]).optional(),
  from: instant.optional(),
  to: instant.optional(),
});

export type TimeRangeParams = z.infer<typeof timeRangeParams>;

export interface TimeRange {
  from: Date;
  to: Date;
  /** The preset it came from, or null for an absolute window. */
  preset: TimePreset | null;
}

export class TimeRangeError extends Error {}

/** The window a view covers; relative presets end now. */
export function resolveTimeRange(params: TimeRangeParams, fallback: TimePreset = "24h", now = new Date()): TimeRange {
  if (params.from || params.to) {
    if (!params.from || !params.to) throw new TimeRangeError("from and to must be given together");
    if (params.from >= params.to) throw new TimeRangeError("from must be before to");
    if (params.to.getTime() - params.from.getTime() > MAX_RANGE_MS) throw new TimeRangeError("the time range may span at most 180 days");
    return { from: params.from, to: params.to, preset: null };
  }
  const preset = params.range ?? fallback;
  return { from: new Date(now.getTime() - TIME_PRESETS[preset]), to: now, preset };
}

/**
 * An impossible window as a validation issue of the parameter given (from, else to), so a
 * lenient parse of a page's URL sets that one aside instead of the whole page failing.
 */
export function refineTimeRange(params: TimeRangeParams, ctx: z.RefinementCtx): void {
  try {
    resolveTimeRange(params);
  } catch (error) {
    if (!(error instanceof TimeRangeError)) throw error;
    ctx.addIssue({ code: "custom", path: [params.from ? "from" : "to"], message: error.message });
  }
}

/** The URL parameters of a window, the inverse of `resolveTimeRange`. */
export function timeRangeToParams(range: Pick<TimeRange, "from" | "to" | "preset">): Record<string, string> {
  return range.preset ? { range: range.preset } : { from: range.from.toISOString(), to: range.to.toISOString() };
}
