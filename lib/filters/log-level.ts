/**
 * The severity levels a filter offers, as the lowest OTLP severity number of each range
 * (DEBUG 5-8, INFO 9-12, WARN 13-16, ERROR 17-20, FATAL 21-24): "error or above" is
 * severity_number >= 17. Shared by the trace search and the logs page, and safe in the browser.
 */
export const LOG_LEVELS = { debug: 5, info: 9, warn: 13, error: 17, fatal: 21 } as const;
export type LogLevel = keyof typeof LOG_LEVELS;
export const LOG_LEVEL_NAMES = Object.keys(LOG_LEVELS) as LogLevel[];

/** The level name of a severity number (its range's), or null below DEBUG (unspecified, TRACE). */
export function levelOf(severityNumber: number): LogLevel | null {
  let found: LogLevel | null = null;
  for (const name of LOG_LEVEL_NAMES) if (severityNumber >= LOG_LEVELS[name]) found = name;
  return found;
}
