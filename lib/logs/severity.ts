/**
 * OpenTelemetry's severity ranges (1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20 error,
 * 21-24 fatal) by name: the floors a reader filters by, and the level a record's number falls in.
 */
export const SEVERITY_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

/** The lowest severity number of a level. */
export const severityFloor = (level: SeverityLevel): number => SEVERITY_LEVELS.indexOf(level) * 4 + 1;

/** The level a severity number falls in; null for 0 (unspecified) or a number outside the ranges. */
export function severityLevel(severityNumber: number): SeverityLevel | null {
  if (!Number.isInteger(severityNumber) || severityNumber < 1 || severityNumber > 24) return null;
  return SEVERITY_LEVELS[Math.floor((severityNumber - 1) / 4)]!;
}
