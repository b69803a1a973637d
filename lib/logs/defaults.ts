import type { TimePreset } from "@/lib/filters/time-range";

/** The window the logs page shows when none is chosen: logs are many, and an investigation is usually recent. */
export const LOGS_DEFAULT_RANGE: TimePreset = "1h";
